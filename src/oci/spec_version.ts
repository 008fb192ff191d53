// The OCI runtime spec version tsvisor implements (runc --version prints it, `spec` writes it,
// `state` reports it). A module of its own: the short commands must not load config.json's
// schema to know it.
export const OCI_SPEC_VERSION = '1.0.2';
