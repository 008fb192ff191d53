// /proc/sysvipc/{shm,sem,msg} and the System V IPC limits of /proc/sys/kernel, as Linux
// prints them (ipc/shm.c, sem.c, msg.c: sysvipc_*_proc_show), for the sandbox's namespace.
import { MSGMAX, MSGMNB, MSGMNI } from '../syscalls/msg.js';
import { SEMMNI, SEMMNS, SEMMSL, SEMOPM } from '../syscalls/sem.js';
import { SHMMAX, SHMMNI } from '../syscalls/shm.js';
import type { IpcPerm, KernelState } from '../state.js';

/** What the shm lines need beyond the state: the host's resident bytes of a segment, and shmall. */
export interface SysvView {
  state: KernelState;
  shmResident: (shmid: number) => number;
  shmAllPages: bigint;
}

const d = (v: number, w: number) => String(v).padStart(w);
const o = (v: number, w: number) => (v & 0o777).toString(8).padStart(w);

/** "%10d %10d  %4o ": the key (as a signed int), the id and the permission bits. */
function head(perm: IpcPerm, id: number): string {
  return `${d(perm.key | 0, 10)} ${d(id, 10)}  ${o(perm.mode, 4)} `;
}

function owners(perm: IpcPerm): string {
  return `${d(perm.uid, 5)} ${d(perm.gid, 5)} ${d(perm.cuid, 5)} ${d(perm.cgid, 5)}`;
}

export function sysvipcShm(v: SysvView): string {
  const lines = ['       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap'];
  for (const s of v.state.sysv?.shm.values() ?? []) {
    lines.push(
      `${head(s.perm, s.id)}${d(s.size, 21)} ${d(s.cpid, 5)} ${d(s.lpid, 5)}  ${d(s.nattch, 5)} ${owners(s.perm)} ` +
        `${d(s.atime, 10)} ${d(s.dtime, 10)} ${d(s.ctime, 10)} ${d(v.shmResident(s.id), 21)} ${d(0, 21)}`,
    );
  }
  return lines.join('\n') + '\n';
}

export function sysvipcSem(state: KernelState): string {
  const lines = ['       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime'];
  for (const s of state.sysv?.sem.values() ?? []) {
    lines.push(`${head(s.perm, s.id)}${d(s.values.length, 10)} ${owners(s.perm)} ${d(s.otime, 10)} ${d(s.ctime, 10)}`);
  }
  return lines.join('\n') + '\n';
}

export function sysvipcMsg(state: KernelState): string {
  const lines = ['       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime'];
  for (const q of state.sysv?.msg.values() ?? []) {
    lines.push(
      `${head(q.perm, q.id)} ${d(q.cbytes, 10)} ${d(q.messages.length, 10)} ${d(q.lspid, 5)} ${d(q.lrpid, 5)} ${owners(q.perm)} ` +
        `${d(q.stime, 10)} ${d(q.rtime, 10)} ${d(q.ctime, 10)}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** /proc/sys/kernel's IPC limits, by name. */
export function sysvLimits(shmAllPages: bigint): Record<string, string> {
  return {
    shmmax: `${SHMMAX}\n`,
    shmall: `${shmAllPages}\n`,
    shmmni: `${SHMMNI}\n`,
    sem: `${SEMMSL}\t${SEMMNS}\t${SEMOPM}\t${SEMMNI}\n`,
    msgmax: `${MSGMAX}\n`,
    msgmnb: `${MSGMNB}\n`,
    msgmni: `${MSGMNI}\n`,
  };
}
