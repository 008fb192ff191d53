/*
 * The stub: the first image of every sandboxed address space.
 *
 * The platform execs this tiny static binary (never the sandboxed program) to get a fresh,
 * nearly empty address space. It makes one syscall, which the seccomp filter traps; at that
 * stop the kernel's loader maps the real program through injected syscalls and points the
 * registers at its entry. The loop only matters if someone resumes the stub without loading.
 *
 * The list runner follows the cue's syscall instruction, so that a thread stopped at the cue
 * (or a task made from one, which traps at the same instruction) returns into it: the loader
 * sets rbx to a list of calls (8 words each: number, six arguments, room for the result;
 * number -1 ends it) to have the stub make them one after another, allowed ones without any
 * stop and trapped ones with one stop each, instead of two round trips per injected call.
 * The runner stops after the first call that fails and reports with a trapped getpid, rbx
 * just past the last call made (native/tracer.cc, Tracer::runList). Resumed without a list
 * (rbx 0, as exec leaves it), the stub makes its cue again.
 *
 * Linked at a high fixed address (see binding.gyp) so it never overlaps a program's
 * segments, and unmapped by the loader once the program is in place.
 */
__attribute__((naked, noreturn, used)) void _start(void) {
  __asm__ volatile(
      "1:\n"
      "  xor %ebx, %ebx\n"
      "  mov $39, %eax\n" /* getpid: trapped, the loader's cue */
      "  syscall\n"
      "2:\n" /* the list runner */
      "  test %rbx, %rbx\n"
      "  jz 1b\n"
      "  mov (%rbx), %rax\n"
      "  cmp $-1, %rax\n"
      "  je 3f\n"
      "  mov 8(%rbx), %rdi\n"
      "  mov 16(%rbx), %rsi\n"
      "  mov 24(%rbx), %rdx\n"
      "  mov 32(%rbx), %r10\n"
      "  mov 40(%rbx), %r8\n"
      "  mov 48(%rbx), %r9\n"
      "  syscall\n"
      "  mov %rax, 56(%rbx)\n"
      "  add $64, %rbx\n"
      "  cmp $-4095, %rax\n" /* -4095..-1: an error ends the list */
      "  jb 2b\n"
      "3:\n"
      "  mov $39, %eax\n" /* the report: trapped */
      "  syscall\n"
      "  jmp 3b\n");
}
