#include "seccomp_filter.h"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <asm/prctl.h>

namespace {

constexpr unsigned kX32Bit = 0x40000000;

sock_filter stmt(unsigned short code, unsigned k) { return BPF_STMT(code, k); }
sock_filter jump(unsigned short code, unsigned k, unsigned char jt, unsigned char jf) {
  return BPF_JUMP(code, k, jt, jf);
}
// Offset of the low 32 bits of syscall argument i (x86-64 is little endian).
unsigned argLow(int i) { return offsetof(seccomp_data, args) + 8 * i; }

// Syscalls that only touch the caller's own address space, threads or signal frame.
const int kPlainAllow[] = {
    SYS_futex,        SYS_munmap,         SYS_mprotect,       SYS_mremap,
    SYS_sched_yield,  SYS_rt_sigreturn,   SYS_rt_sigprocmask, SYS_sigaltstack,
    SYS_set_robust_list, SYS_rseq,        SYS_exit,
};

}  // namespace

const int kAllowedSyscalls[] = {
    SYS_futex,  SYS_munmap,      SYS_mprotect, SYS_mremap,         SYS_sched_yield,
    SYS_rt_sigreturn, SYS_rt_sigprocmask, SYS_sigaltstack, SYS_set_robust_list,
    SYS_rseq,   SYS_exit,        SYS_mmap,     SYS_madvise,        SYS_arch_prctl,
};
const int kAllowedSyscallCount = sizeof(kAllowedSyscalls) / sizeof(kAllowedSyscalls[0]);

std::vector<sock_filter> buildSeccompFilter() {
  const unsigned allow = SECCOMP_RET_ALLOW;
  const unsigned trace = SECCOMP_RET_TRACE;
  std::vector<sock_filter> f;

  f.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
  f.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0));
  f.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));

  f.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
  // x32 ABI numbers: trapped like everything else; the kernel answers ENOSYS.
  f.push_back(jump(BPF_JMP | BPF_JGE | BPF_K, kX32Bit, 0, 1));
  f.push_back(stmt(BPF_RET | BPF_K, trace));

  for (int nr : kPlainAllow) {
    f.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1));
    f.push_back(stmt(BPF_RET | BPF_K, allow));
  }

  // mmap: anonymous only. File mappings are emulated from VFS contents by the kernel.
  f.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, SYS_mmap, 0, 4));
  f.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, argLow(3)));
  f.push_back(jump(BPF_JMP | BPF_JSET | BPF_K, MAP_ANONYMOUS, 0, 1));
  f.push_back(stmt(BPF_RET | BPF_K, allow));
  f.push_back(stmt(BPF_RET | BPF_K, trace));

  // madvise: the ordinary advice values; MADV_HWPOISON and friends (>= 100) go to the kernel.
  f.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, SYS_madvise, 0, 4));
  f.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, argLow(2)));
  f.push_back(jump(BPF_JMP | BPF_JGT | BPF_K, 25, 1, 0));
  f.push_back(stmt(BPF_RET | BPF_K, allow));
  f.push_back(stmt(BPF_RET | BPF_K, trace));

  // arch_prctl: only ARCH_SET_FS (TLS setup) runs on the host.
  f.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, SYS_arch_prctl, 0, 4));
  f.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, argLow(0)));
  f.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, ARCH_SET_FS, 0, 1));
  f.push_back(stmt(BPF_RET | BPF_K, allow));
  f.push_back(stmt(BPF_RET | BPF_K, trace));

  f.push_back(stmt(BPF_RET | BPF_K, trace));
  return f;
}
