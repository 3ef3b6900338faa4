package org.jcriu.compel;

import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The general purpose registers of one thread, as x86-64's {@code struct user_regs_struct}
 * (PTRACE_GETREGS, 27 u64 in this order):
 * <pre>
 * r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax
 * rip cs eflags rsp ss fs_base gs_base ds es fs gs
 * </pre>
 * A plain mutable value: reading it from a thread copies, setting it on a thread copies back.
 */
public final class UserRegs {
    /** sizeof(struct user_regs_struct) */
    public static final int SIZE = 27 * 8;

    static final int R15 = 0, R14 = 1, R13 = 2, R12 = 3, RBP = 4, RBX = 5, R11 = 6, R10 = 7, R9 = 8,
            R8 = 9, RAX = 10, RCX = 11, RDX = 12, RSI = 13, RDI = 14, ORIG_RAX = 15, RIP = 16, CS = 17,
            EFLAGS = 18, RSP = 19, SS = 20, FS_BASE = 21, GS_BASE = 22, DS = 23, ES = 24, FS = 25, GS = 26;

    /** Register names in kernel order. */
    public static final String[] NAMES = {
        "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx", "rsi",
        "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs"
    };

    private final long[] r = new long[27];

    /** All zero. */
    public UserRegs() {}

    /** @return a copy */
    public UserRegs copy() {
        UserRegs c = new UserRegs();
        System.arraycopy(r, 0, c.r, 0, r.length);
        return c;
    }

    /** Reads the struct from native memory. */
    public static UserRegs read(Pointer p) {
        UserRegs u = new UserRegs();
        p.read(0, u.r, 0, 27);
        return u;
    }

    /** Writes the struct to native memory. */
    public void write(Pointer p) {
        p.write(0, r, 0, 27);
    }

    /** Reads from a buffer at its position (native byte order), advancing it. */
    public static UserRegs read(ByteBuffer b) {
        UserRegs u = new UserRegs();
        for (int i = 0; i < 27; i++) {
            u.r[i] = b.getLong();
        }
        return u;
    }

    /** Writes to a buffer at its position, advancing it. */
    public void write(ByteBuffer b) {
        for (int i = 0; i < 27; i++) {
            b.putLong(r[i]);
        }
    }

    /** @return register {@code i} in kernel order (see {@link #NAMES}) */
    public long get(int i) {
        return r[i];
    }

    /** Sets register {@code i} in kernel order. */
    public UserRegs set(int i, long v) {
        r[i] = v;
        return this;
    }

    public long r15() { return r[R15]; }
    public long r14() { return r[R14]; }
    public long r13() { return r[R13]; }
    public long r12() { return r[R12]; }
    public long rbp() { return r[RBP]; }
    public long rbx() { return r[RBX]; }
    public long r11() { return r[R11]; }
    public long r10() { return r[R10]; }
    public long r9() { return r[R9]; }
    public long r8() { return r[R8]; }
    public long rax() { return r[RAX]; }
    public long rcx() { return r[RCX]; }
    public long rdx() { return r[RDX]; }
    public long rsi() { return r[RSI]; }
    public long rdi() { return r[RDI]; }
    /** The syscall number the thread is in (or was interrupted in), -1 if none. */
    public long origRax() { return r[ORIG_RAX]; }
    public long rip() { return r[RIP]; }
    public long cs() { return r[CS]; }
    public long eflags() { return r[EFLAGS]; }
    public long rsp() { return r[RSP]; }
    public long ss() { return r[SS]; }
    public long fsBase() { return r[FS_BASE]; }
    public long gsBase() { return r[GS_BASE]; }
    public long ds() { return r[DS]; }
    public long es() { return r[ES]; }
    public long fs() { return r[FS]; }
    public long gs() { return r[GS]; }

    public UserRegs rax(long v) { r[RAX] = v; return this; }
    public UserRegs rbx(long v) { r[RBX] = v; return this; }
    public UserRegs rcx(long v) { r[RCX] = v; return this; }
    public UserRegs rdx(long v) { r[RDX] = v; return this; }
    public UserRegs rsi(long v) { r[RSI] = v; return this; }
    public UserRegs rdi(long v) { r[RDI] = v; return this; }
    public UserRegs rbp(long v) { r[RBP] = v; return this; }
    public UserRegs rsp(long v) { r[RSP] = v; return this; }
    public UserRegs r8(long v) { r[R8] = v; return this; }
    public UserRegs r9(long v) { r[R9] = v; return this; }
    public UserRegs r10(long v) { r[R10] = v; return this; }
    public UserRegs r11(long v) { r[R11] = v; return this; }
    public UserRegs r12(long v) { r[R12] = v; return this; }
    public UserRegs r13(long v) { r[R13] = v; return this; }
    public UserRegs r14(long v) { r[R14] = v; return this; }
    public UserRegs r15(long v) { r[R15] = v; return this; }
    public UserRegs origRax(long v) { r[ORIG_RAX] = v; return this; }
    public UserRegs rip(long v) { r[RIP] = v; return this; }
    public UserRegs eflags(long v) { r[EFLAGS] = v; return this; }
    public UserRegs fsBase(long v) { r[FS_BASE] = v; return this; }
    public UserRegs gsBase(long v) { r[GS_BASE] = v; return this; }
    public UserRegs cs(long v) { r[CS] = v; return this; }
    public UserRegs ss(long v) { r[SS] = v; return this; }
    public UserRegs ds(long v) { r[DS] = v; return this; }
    public UserRegs es(long v) { r[ES] = v; return this; }
    public UserRegs fs(long v) { r[FS] = v; return this; }
    public UserRegs gs(long v) { r[GS] = v; return this; }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserRegs && Arrays.equals(r, ((UserRegs) o).r);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(r);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 27; i++) {
            if (i > 0) {
                sb.append(i % 4 == 0 ? "\n" : "  ");
            }
            sb.append(String.format("%-8s %016x", NAMES[i], r[i]));
        }
        return sb.toString();
    }
}
