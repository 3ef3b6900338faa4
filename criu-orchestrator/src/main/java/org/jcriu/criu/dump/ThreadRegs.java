package org.jcriu.criu.dump;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import org.jcriu.criu.sys.Cpuid;
import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.sys.Trace;
import org.jcriu.compel.TraceeThread;
import org.jcriu.compel.UserRegs;
import org.jcriu.compel.XState;
import org.jcriu.images.proto.RseqEntry;
import org.jcriu.images.proto.UserDescT;
import org.jcriu.images.proto.UserX86FpregsEntry;
import org.jcriu.images.proto.UserX86RegsEntry;
import org.jcriu.images.proto.UserX86RegsMode;
import org.jcriu.images.proto.UserX86XsaveEntry;

/**
 * The CPU state of one frozen thread, by ptrace: general registers (with the
 * interrupted syscall rewound for a restart, as the kernel would on return),
 * the xsave area, the blocked-signal mask, the rseq registration.
 */
final class ThreadRegs {
    private static final long ERESTARTSYS = -512, ERESTARTNOINTR = -513, ERESTARTNOHAND = -514,
            ERESTART_RESTARTBLOCK = -516, EINTR = -4;

    final UserX86RegsEntry gpregs;
    final UserX86FpregsEntry fpregs;
    final long sigmask;
    final RseqEntry rseq;
    final long fsBase;

    private ThreadRegs(UserX86RegsEntry gp, UserX86FpregsEntry fp, long sigmask, RseqEntry rseq, long fsBase) {
        this.gpregs = gp;
        this.fpregs = fp;
        this.sigmask = sigmask;
        this.rseq = rseq;
        this.fsBase = fsBase;
    }

    /** Reads one stopped thread: registers and xstate through compel, the rest by ptrace on compel's tracer thread. */
    static ThreadRegs read(TraceeThread th, Freezer f) throws Errno {
        int tid = th.tid();
        UserRegs ur = th.getRegs();
        long[] v = new long[27];
        for (int i = 0; i < 27; i++) v[i] = ur.get(i);
        // indexes: 10 ax, 11 cx, 15 orig_ax, 16 ip
        if ((int) v[15] >= 0) {
            long ax = (int) v[10];
            if (ax == ERESTARTNOHAND || ax == ERESTARTSYS || ax == ERESTARTNOINTR) {
                v[10] = v[15];
                v[16] -= 2;
            } else if (ax == ERESTART_RESTARTBLOCK) {
                v[10] = EINTR;
            }
        }
        UserX86RegsEntry gp = UserX86RegsEntry.newBuilder()
                .setR15(v[0]).setR14(v[1]).setR13(v[2]).setR12(v[3]).setBp(v[4]).setBx(v[5]).setR11(v[6])
                .setR10(v[7]).setR9(v[8]).setR8(v[9]).setAx(v[10]).setCx(v[11]).setDx(v[12]).setSi(v[13])
                .setDi(v[14]).setOrigAx(v[15]).setIp(v[16]).setCs(v[17]).setFlags(v[18]).setSp(v[19])
                .setSs(v[20]).setFsBase(v[21]).setGsBase(v[22]).setDs(v[23]).setEs(v[24]).setFs(v[25])
                .setGs(v[26]).setMode(UserX86RegsMode.NATIVE).build();
        XState x = th.getXState();
        byte[] xb = x.bytes();
        Memory xs = new Memory(Math.max(xb.length, 4096));
        xs.clear();
        xs.write(0, xb, 0, xb.length);
        UserX86FpregsEntry fp = fpregs(xs, xb.length);
        long mask = th.getSigmask();

        RseqEntry rseq = f.onTracer(() -> {
            Memory rc = new Memory(24);
            rc.clear();
            try {
                Trace.ptrace("ptrace(PTRACE_GET_RSEQ_CONFIGURATION)", Trace.PTRACE_GET_RSEQ_CONFIGURATION, tid, 24,
                        Pointer.nativeValue(rc));
            } catch (Errno e) {
                if (e.errno() != Errno.EINVAL && e.errno() != Errno.EOPNOTSUPP && e.errno() != Errno.EIO) throw e;
                return null;
            }
            return RseqEntry.newBuilder().setRseqAbiPointer(rc.getLong(0)).setRseqAbiSize(rc.getInt(8))
                    .setSignature(rc.getInt(12)).build();
        });
        return new ThreadRegs(gp, fp, mask, rseq, v[21]);
    }

    /** struct fxregs_state (512 bytes), the xsave header and the extended components at their standard offsets. */
    static UserX86FpregsEntry fpregs(Memory xs, long len) {
        UserX86FpregsEntry.Builder b = UserX86FpregsEntry.newBuilder()
                .setCwd(xs.getShort(0) & 0xffff).setSwd(xs.getShort(2) & 0xffff).setTwd(xs.getShort(4) & 0xffff)
                .setFop(xs.getShort(6) & 0xffff).setRip(xs.getLong(8)).setRdp(xs.getLong(16))
                .setMxcsr(xs.getInt(24)).setMxcsrMask(xs.getInt(28));
        for (int i = 0; i < 32; i++) b.addStSpace(xs.getInt(32 + i * 4L));
        for (int i = 0; i < 64; i++) b.addXmmSpace(xs.getInt(160 + i * 4L));
        if (len > 576) {
            // components kept: the CPU's (CPUID 0xD) that the kernel gave room for; offsets from CPUID
            long supported = Cpuid.xstateSupported();
            long features = supported != 0 ? supported : xs.getLong(512);
            org.jcriu.criu.util.Log.debug("xsave: " + len + " bytes, xfeatures 0x" + Long.toHexString(features));
            UserX86XsaveEntry.Builder x = UserX86XsaveEntry.newBuilder().setXstateBv(xs.getLong(512));
            int o;
            if ((features & (1 << 2)) != 0 && (o = off(2, 576)) > 0 && len >= o + 256) {
                for (int i = 0; i < 64; i++) x.addYmmhSpace(xs.getInt(o + i * 4L));
            }
            if ((features & (1 << 3)) != 0 && (o = off(3, 960)) > 0 && len >= o + 64) {
                for (int i = 0; i < 8; i++) x.addBndregState(xs.getLong(o + i * 8L));
            }
            if ((features & (1 << 4)) != 0 && (o = off(4, 1024)) > 0 && len >= o + 16) {
                for (int i = 0; i < 2; i++) x.addBndcsrState(xs.getLong(o + i * 8L));
            }
            if ((features & (1 << 5)) != 0 && (o = off(5, 1088)) > 0 && len >= o + 64) {
                for (int i = 0; i < 8; i++) x.addOpmaskReg(xs.getLong(o + i * 8L));
            }
            if ((features & (1 << 6)) != 0 && (o = off(6, 1152)) > 0 && len >= o + 512) {
                for (int i = 0; i < 64; i++) x.addZmmUpper(xs.getLong(o + i * 8L));
            }
            if ((features & (1 << 7)) != 0 && (o = off(7, 1664)) > 0 && len >= o + 1024) {
                for (int i = 0; i < 128; i++) x.addHi16Zmm(xs.getLong(o + i * 8L));
            }
            if ((features & (1 << 9)) != 0 && (o = off(9, 2688)) > 0 && len >= o + 8) {
                for (int i = 0; i < 2; i++) x.addPkru(xs.getInt(o + i * 4L));
            }
            b.setXsave(x);
        }
        return b.build();
    }

    private static final int[] OFFSETS = new int[16];

    /** The standard-format offset of component i from CPUID, else Intel's usual one. */
    private static synchronized int off(int i, int dflt) {
        if (OFFSETS[i] == 0) {
            int o = Cpuid.xstateOffset(i);
            OFFSETS[i] = o > 0 ? o : dflt;
        }
        return OFFSETS[i];
    }

    /** The three GDT TLS slots of a 64-bit task, empty as the kernel shows them. */
    static UserDescT emptyTls(int entry) {
        return UserDescT.newBuilder().setEntryNumber(entry).setBaseAddr(0).setLimit(0).setSeg32Bit(false)
                .setContentsH(false).setContentsL(false).setReadExecOnly(true).setLimitInPages(false)
                .setSegNotPresent(true).setUsable(false).build();
    }
}
