package org.jcriu.criu.proc;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcParsersTest {
    @Test
    void statWithSpacesAndParensInComm() {
        String s = "1234 (a (b) c) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 3 0 555 1000 10 "
                + "18446744073709551615 4194304 4198400 140737488346112 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 "
                + "6299648 6300000 6307840 140737488347000 140737488347010 140737488347010 140737488347100 9";
        ProcStat st = ProcStat.parse(s);
        assertEquals(1234, st.pid);
        assertEquals("a (b) c", st.comm);
        assertEquals('S', st.state);
        assertEquals(1, st.ppid);
        assertEquals(1234, st.pgid);
        assertEquals(1234, st.sid);
        assertEquals(4194560L, st.flags);
        assertEquals(3, st.numThreads);
        assertEquals(4194304L, st.startCode);
        assertEquals(6307840L, st.startBrk);
        assertEquals(9, st.exitCode);
        assertFalse(st.isZombie());
    }

    @Test
    void statOfSelf() throws Exception {
        int pid = (int) ProcessHandle.current().pid();
        ProcStat st = ProcStat.read(pid);
        assertEquals(pid, st.pid);
        assertTrue(st.numThreads > 1);
        assertTrue(st.startStack != 0);
    }

    @Test
    void status() {
        ProcStatus s = ProcStatus.parse("Name:\tcat\nUmask:\t0022\nState:\tR (running)\nTgid:\t10\nPPid:\t1\n"
                + "Uid:\t0\t1\t2\t3\nGid:\t4\t5\t6\t7\nGroups:\t10 20 \nNSpid:\t10\nSigPnd:\t0000000000000000\n"
                + "ShdPnd:\t0000000000000100\nSigBlk:\t0000000000000800\nSigIgn:\t0000000000001000\n"
                + "SigCgt:\t0000000180000000\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
                + "CapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n"
                + "NoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\nThreads:\t4\n");
        assertEquals(022, s.umask());
        assertArrayEquals(new long[] {0, 1, 2, 3}, s.uids());
        assertArrayEquals(new long[] {4, 5, 6, 7}, s.gids());
        assertArrayEquals(new long[] {10, 20}, s.groups());
        assertEquals(0x100, s.shdPnd());
        assertEquals(0x800, s.sigBlk());
        assertEquals(0x180000000L, s.sigCgt());
        assertEquals(0x1ffffffffffL, s.capPrm());
        assertTrue(s.noNewPrivs());
        assertEquals(2, s.seccompMode());
        assertEquals(4, s.threads());
        assertEquals('R', s.state());
    }

    @Test
    void mapsAndSmaps() {
        String smaps = "555555554000-555555556000 r-xp 00001000 fe:00 1234                       /usr/bin/cat\n"
                + "Size:                  8 kB\nVmFlags: rd ex mr mw me dw sd \n"
                + "7ffff7fc1000-7ffff7fc5000 r--p 00000000 00:00 0                          [vvar]\n"
                + "VmFlags: rd mr pf io de dd sd \n"
                + "7ffff7ff0000-7ffff7ff1000 rw-s 00000000 00:01 99                         /dev/zero (deleted)\n"
                + "VmFlags: rd wr sh mr mw me ms sd \n"
                + "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]\n"
                + "VmFlags: rd wr mr mw me gd ac \n"
                + "7ffff7a00000-7ffff7b00000 rw-p 00000000 00:00 0 \n"
                + "VmFlags: rd wr mr mw me nh \n";
        List<Vma> v = ProcMaps.parseSmaps(smaps);
        assertEquals(5, v.size());
        Vma exe = v.get(0);
        assertEquals(0x555555554000L, exe.start());
        assertEquals(0x555555556000L, exe.end());
        assertTrue(exe.read() && exe.exec() && !exe.write() && !exe.shared());
        assertEquals(0x1000, exe.pgoff());
        assertEquals(0xfe, exe.devMajor());
        assertEquals(1234, exe.inode());
        assertEquals("/usr/bin/cat", exe.path());
        assertTrue(v.get(1).hasFlag("dd"));
        assertTrue(v.get(2).shared() && v.get(2).deleted());
        assertEquals("/dev/zero", v.get(2).cleanPath());
        assertTrue(v.get(3).hasFlag("gd"));
        assertEquals("", v.get(4).path());
        assertTrue(v.get(4).anonymous());
        assertEquals(256, v.get(4).pages());
    }

    @Test
    void smapsOfSelfMatchesMaps() throws Exception {
        int pid = (int) ProcessHandle.current().pid();
        List<Vma> a = ProcMaps.readSmaps(pid);
        assertFalse(a.isEmpty());
        assertTrue(a.stream().anyMatch(x -> x.path().equals("[vdso]")));
        assertTrue(a.stream().allMatch(x -> !x.vmFlags().isEmpty()));
    }

    @Test
    void fdinfoKinds() {
        Fdinfo ev = Fdinfo.parse("pos:\t0\nflags:\t02004002\nmnt_id:\t16\nino:\t1057\neventfd-count:\t7\n"
                + "eventfd-id: 3\neventfd-semaphore: 0\n");
        assertTrue(ev.isEventfd());
        assertEquals(7, ev.eventfdCount());
        assertEquals(02004002, ev.flags());
        assertEquals(16, ev.mntId());
        Fdinfo ep = Fdinfo.parse("pos:\t0\nflags:\t02\nmnt_id:\t16\nino:\t1057\n"
                + "tfd:        3 events:       19 data:               2a  pos:0 ino:94c3 sdev:f\n"
                + "tfd:        5 events:        1 data:                0  pos:0 ino:94c4 sdev:f\n");
        assertEquals(2, ep.epollTargets().size());
        Fdinfo.EpollTarget t = ep.epollTargets().get(0);
        assertEquals(3, t.tfd());
        assertEquals(0x19, t.events());
        assertEquals(0x2a, t.data());
        assertEquals(0x94c3, t.ino());
        assertEquals(0xf, t.sdev());
        Fdinfo tfd = Fdinfo.parse("pos:\t0\nflags:\t02\nmnt_id:\t16\nino:\t1057\nclockid: 1\nticks: 3\n"
                + "settime flags: 01\nit_value: (4, 11512499)\nit_interval: (5, 0)\n");
        assertTrue(tfd.isTimerfd());
        assertEquals(1, tfd.clockid());
        assertEquals(3, tfd.ticks());
        assertEquals(1, tfd.settimeFlags());
        assertArrayEquals(new long[] {4, 11512499}, tfd.itValue());
        assertArrayEquals(new long[] {5, 0}, tfd.itInterval());
        Fdinfo sfd = Fdinfo.parse("pos:\t0\nflags:\t02\nmnt_id:\t16\nino:\t1057\nsigmask:\t0000000000000800\n");
        assertTrue(sfd.isSignalfd());
        assertEquals(0x800, sfd.sigmask());
        Fdinfo in = Fdinfo.parse("pos:\t0\nflags:\t00\nmnt_id:\t16\nino:\t1057\n"
                + "inotify wd:1 ino:a2 sdev:800001 mask:fff ignored_mask:0 fhandle-bytes:8 fhandle-type:1 f_handle:a200000012345678\n");
        assertEquals(1, in.inotifyWatches().size());
        assertEquals(0xa2, in.inotifyWatches().get(0).ino());
        assertEquals(0xfff, in.inotifyWatches().get(0).mask());
        assertEquals("a200000012345678", in.inotifyWatches().get(0).fhandle());
        Fdinfo lk = Fdinfo.parse("pos:\t0\nflags:\t02\nmnt_id:\t16\nino:\t1057\nlock:\t1: FLOCK  ADVISORY  WRITE 123 fe:00:1057 0 EOF\n");
        assertEquals(1, lk.locks().size());
    }

    @Test
    void mountinfo() {
        List<Mountinfo.Mount> m = Mountinfo.parse(
                "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
                + "30 22 0:25 / /my\\040dir rw,nosuid master:2 shared:3 - tmpfs tmpfs rw,size=10k\n");
        assertEquals(2, m.size());
        assertEquals(22, m.get(0).mntId());
        assertEquals("ext4", m.get(0).fsType());
        assertEquals("/my dir", m.get(1).mountPoint());
        assertEquals(List.of("master:2", "shared:3"), m.get(1).optional());
        assertEquals("rw,size=10k", m.get(1).superOptions());
    }

    @Test
    void posixTimers() {
        List<PosixTimers.Timer> t = PosixTimers.parse("ID: 0\nsignal: 14/00007fff00000001\nnotify: signal/pid.55\nClockID: 1\n"
                + "ID: 1\nsignal: 10/0000000000000000\nnotify: thread/tid.56\nClockID: 0\n");
        assertEquals(2, t.size());
        assertEquals(14, t.get(0).signo());
        assertEquals(0x7fff00000001L, t.get(0).sigevValue());
        assertEquals("signal", t.get(0).notifyKind());
        assertEquals(55, t.get(0).notifyTid());
        assertEquals("thread", t.get(1).notifyKind());
        assertEquals(56, t.get(1).notifyTid());
    }

    @Test
    void namespacesAndMisc() throws Exception {
        int pid = (int) ProcessHandle.current().pid();
        assertEquals(4026531840L, Namespaces.parseLink("net:[4026531840]"));
        assertTrue(Namespaces.inode(pid, "mnt") > 0);
        assertTrue(ProcMisc.auxv(pid).length > 10);
        assertEquals(0, ProcMisc.auxv(pid).length % 2);
        assertFalse(ProcMisc.cgroup(pid).isEmpty());
        assertTrue(ProcFs.threads(pid).contains(pid));
        assertTrue(ProcFs.fds(pid).contains(0));
        List<ProcMisc.CgroupLine> c = ProcMisc.parseCgroup("0::/user.slice\n4:freezer:/\n");
        assertEquals(2, c.size());
        assertEquals("freezer", c.get(1).controllers());
    }
}
