/*
 * Parasite entry. compel starts the hijacked thread here with
 *   rdi = socket fd, rsi = args area, rdx = signal frame holding the task's own context,
 *   rsp = top of the parasite stack (16-byte aligned), all signals blocked.
 * When the command loop ends (compel's side of the socket gone: compel died), the thread goes
 * back to its own context through rt_sigreturn on that frame. A normal cure never comes here:
 * compel interrupts the thread and sets its registers itself.
 */
	.text
	.globl	parasite_entry
	.type	parasite_entry, @function
parasite_entry:
	mov	%rdx, %rbx		/* callee saved across the C loop */
	/* the frame's uc_stack must hold the thread's own sigaltstack: rt_sigreturn sets it */
	mov	%rdi, %r12
	mov	%rsi, %r13
	xor	%edi, %edi
	lea	24(%rbx), %rsi		/* &frame->uc.uc_stack */
	mov	$131, %eax		/* __NR_sigaltstack */
	syscall
	/* and the fpstate's sw bytes the features XCR0 enables (compel wrote the sizes) */
	xor	%ecx, %ecx
	xgetbv
	mov	%eax, 512+472(%rbx)
	mov	%edx, 512+476(%rbx)
	mov	%r12, %rdi
	mov	%r13, %rsi
	call	parasite_loop
	lea	8(%rbx), %rsp		/* rt_sigreturn reads the frame at rsp - 8 */
	mov	$15, %eax		/* __NR_rt_sigreturn */
	syscall
	ud2
	.size	parasite_entry, . - parasite_entry
	.section .note.GNU-stack,"",@progbits
