// What every runc command works with: the global options, the containers and their sockets.
import { controlRequest } from '../sandbox/control_client.js';
import type { ControlReply, ControlRequest } from '../sandbox/control_protocol.js';
import { Registry } from '../sandbox/registry.js';
import { ContainerStore } from './container_state.js';
import { OciError } from './oci_error.js';
import type { RuntimeOptions } from './runtime_options.js';

export class RuntimeContext {
  readonly store: ContainerStore;
  readonly registry: Registry;

  constructor(readonly options: RuntimeOptions) {
    this.store = new ContainerStore(options.stateRoot);
    this.registry = new Registry(options.stateRoot);
  }

  /** Sends a request to container id's sandbox process; an error reply becomes an OciError. */
  async request(id: string, request: ControlRequest, onReply: (r: ControlReply) => void = () => {}): Promise<ControlReply> {
    let final: ControlReply;
    try {
      final = await controlRequest(this.registry.socketOf(id), request, onReply);
    } catch (err) {
      throw new OciError(`cannot reach container ${id}: ${(err as Error).message}`);
    }
    if (final.type === 'error') throw new OciError(final.message);
    return final;
  }
}
