/*
 * The stub: the first image of every sandboxed address space.
 *
 * The platform execs this tiny static binary (never the sandboxed program) to get a fresh,
 * nearly empty address space. It makes one syscall, which the seccomp filter traps; at that
 * stop the kernel's loader maps the real program through injected syscalls and points the
 * registers at its entry. The loop only matters if someone resumes the stub without loading.
 *
 * Linked at a high fixed address (see binding.gyp) so it never overlaps a program's
 * segments, and unmapped by the loader once the program is in place.
 */
__attribute__((naked, noreturn, used)) void _start(void) {
  __asm__ volatile(
      "1:\n"
      "  mov $39, %eax\n" /* getpid: trapped, the loader's cue */
      "  syscall\n"
      "  jmp 1b\n");
}
