/*
 * compel's remote code: a position-independent blob that compel writes at
 * the start of its code area in a traced task (its own scratch mapping, or
 * an area the caller made, see Tracee.useArea). compel drives it by ptrace:
 *
 *   offset 0   syscall; int3        one remote syscall: rax/rdi/.. set by the
 *                                   tracer, rip = base; stops with SIGTRAP
 *   offset 16  batch interpreter    rdi = ops, rsi = count; runs the ops in
 *                                   order and stops with SIGTRAP, rax = number
 *                                   of ops done (index of the failed op if one
 *                                   failed)
 *
 * One op is 9 little-endian u64 (72 bytes):
 *   0 nr, 8..48 args[6], 56 flags, 64 result (written back)
 * flags bits 0..5: arg i is replaced by the result of op number (flags >> 32)
 *       bit 8 (OP_ANY):   any result is fine, never stop here
 *       bit 9 (OP_EQ_A2): the result must equal args[2] (a full read/write)
 * Any other op stops the batch when its result is in [-4095, -1].
 * The interpreter uses no stack and keeps its state in rbx, r12..r15, which
 * the syscall instruction preserves.
 */
	.text
	.globl	compel_remote_start, compel_remote_end
	.p2align 4
compel_remote_start:
	syscall
	int3
	.p2align 4, 0xcc
compel_remote_batch:
	mov	%rdi, %rbx		/* ops base */
	mov	%rsi, %r12		/* count */
	xor	%r13d, %r13d		/* index */
	mov	%rdi, %r14		/* current op */
1:	cmp	%r12, %r13
	jae	3f
	mov	56(%r14), %r15
	mov	8(%r14), %rdi
	mov	16(%r14), %rsi
	mov	24(%r14), %rdx
	mov	32(%r14), %r10
	mov	40(%r14), %r8
	mov	48(%r14), %r9
	test	$0x3f, %r15b
	jz	2f
	mov	%r15, %rax
	shr	$32, %rax
	imul	$72, %rax, %rax
	mov	64(%rbx,%rax), %rax
	test	$1, %r15b
	cmovnz	%rax, %rdi
	test	$2, %r15b
	cmovnz	%rax, %rsi
	test	$4, %r15b
	cmovnz	%rax, %rdx
	test	$8, %r15b
	cmovnz	%rax, %r10
	test	$16, %r15b
	cmovnz	%rax, %r8
	test	$32, %r15b
	cmovnz	%rax, %r9
2:	mov	0(%r14), %rax
	syscall
	mov	%rax, 64(%r14)
	test	$0x100, %r15d
	jnz	4f
	cmp	$-4095, %rax
	jae	3f
	test	$0x200, %r15d
	jz	4f
	cmp	24(%r14), %rax
	jne	3f
4:	inc	%r13
	add	$72, %r14
	jmp	1b
3:	mov	%r13, %rax
	int3
	.p2align 4, 0xcc
compel_remote_end:
	.section .note.GNU-stack,"",@progbits
