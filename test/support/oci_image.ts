// A one-layer OCI image archive of a root filesystem, for `ctr images import` (no registry,
// no umoci needed): the layer tar, its config, manifest, index.json and oci-layout, tarred.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function blob(layout: string, bytes: Buffer): { digest: string; size: number } {
  const hex = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(layout, 'blobs', 'sha256', hex), bytes);
  return { digest: `sha256:${hex}`, size: bytes.length };
}

/** Writes archive (a tar of an OCI layout) holding rootfs as image `name` (e.g. localhost/bb:latest). */
export function writeOciArchive(rootfs: string, work: string, name: string, cmd: string[]): string {
  const layout = join(work, 'layout');
  mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
  const layerTar = join(work, 'layer.tar');
  const t = spawnSync('tar', ['-C', rootfs, '-cf', layerTar, '.']);
  if (t.status !== 0) throw new Error(`tar: ${t.stderr.toString()}`);
  const layer = blob(layout, readFileSync(layerTar));
  const config = blob(layout, Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux',
    config: { Cmd: cmd, Env: ['PATH=/bin'] },
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
  })));
  const manifest = blob(layout, Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
  })));
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(layout, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': name.split(':').pop() } }],
  }));
  const archive = join(work, 'image.tar');
  const a = spawnSync('tar', ['-C', layout, '-cf', `${archive}.tmp`, '.']);
  if (a.status !== 0) throw new Error(`tar: ${a.stderr.toString()}`);
  renameSync(`${archive}.tmp`, archive);
  return archive;
}
