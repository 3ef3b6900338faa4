package org.jcriu.images;

import com.google.protobuf.Internal;
import com.google.protobuf.Message;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.jcriu.images.proto.*;

/**
 * Every kind of CRIU image: its magic, its head, its file name pattern, the
 * protobuf message of its entries and whether raw bytes follow an entry.
 *
 * <p>File name patterns use {@code %d} (decimal id), {@code %x} (hex id) or
 * {@code %s} (a name, for stats); see {@link #fileName(long)}. Where two
 * kinds share a magic (pagemap and shmem pagemap, the two signal queues),
 * {@link #byMagic(int)} returns the first, whose {@link #critName()} is the
 * name CRIU's crit prints.
 */
public enum ImageType {
    /** inventory.img: {@link InventoryEntry} entries. */
    INVENTORY(0x58313116, Head.NONE, "inventory.img", InventoryEntry.class),
    /** pstree.img: {@link PstreeEntry} entries. */
    PSTREE(0x50273030, "pstree.img", PstreeEntry.class),
    /** fdinfo-%d.img: {@link FdinfoEntry} entries. */
    FDINFO(0x56213732, "fdinfo-%d.img", FdinfoEntry.class),
    /** Per-task pagemap: a {@link PagemapHead} entry, then {@link PagemapEntry}s. */
    PAGEMAP(0x56084025, "pagemap-%d.img", PagemapEntry.class),
    /** Pagemap of a shared memory segment, by shmid; the same layout as PAGEMAP. */
    SHMEM_PAGEMAP(0x56084025, Head.COMMON, "pagemap-shmem-%d.img", PagemapEntry.class, Payload.NONE, "PAGEMAP"),
    /** core-%d.img: {@link CoreEntry} entries. */
    CORE(0x55053847, "core-%d.img", CoreEntry.class),
    /** ids-%d.img: {@link TaskKobjIdsEntry} entries. */
    IDS(0x54432030, "ids-%d.img", TaskKobjIdsEntry.class),
    /** vmas-%d.img: {@link VmaEntry} entries. */
    VMAS(0x54123737, "vmas-%d.img", VmaEntry.class),
    /** pipes.img: {@link PipeEntry} entries. */
    PIPES(0x56513555, "pipes.img", PipeEntry.class),
    /** Pipe buffers: each entry is followed by {@code bytes} raw bytes. */
    PIPES_DATA(0x56453709, Head.COMMON, "pipes-data.img", PipeDataEntry.class, Payload.PIPE_DATA, null),
    /** fifo.img: {@link FifoEntry} entries. */
    FIFO(0x58364939, "fifo.img", FifoEntry.class),
    /** FIFO buffers: each entry is followed by {@code bytes} raw bytes. */
    FIFO_DATA(0x59333054, Head.COMMON, "fifo-data.img", PipeDataEntry.class, Payload.PIPE_DATA, null),
    /** sigacts-%d.img: {@link SaEntry} entries. */
    SIGACT(0x55344201, "sigacts-%d.img", SaEntry.class),
    /** unixsk.img: {@link UnixSkEntry} entries. */
    UNIXSK(0x54373943, "unixsk.img", UnixSkEntry.class),
    /** inetsk.img: {@link InetSkEntry} entries. */
    INETSK(0x56443851, "inetsk.img", InetSkEntry.class),
    /** packetsk.img: {@link PacketSockEntry} entries. */
    PACKETSK(0x60454618, "packetsk.img", PacketSockEntry.class),
    /** itimers-%d.img: {@link ItimerEntry} entries. */
    ITIMERS(0x57464056, "itimers-%d.img", ItimerEntry.class),
    /** posix-timers-%d.img: {@link PosixTimerEntry} entries. */
    POSIX_TIMERS(0x52603957, "posix-timers-%d.img", PosixTimerEntry.class),
    /** Socket receive queues: each entry is followed by {@code length} raw bytes. */
    SK_QUEUES(0x56264026, Head.COMMON, "sk-queues.img", SkPacketEntry.class, Payload.SK_QUEUE, null),
    /** utsns-%d.img: {@link UtsnsEntry} entries. */
    UTSNS(0x54473203, "utsns-%d.img", UtsnsEntry.class),
    /** creds-%d.img: {@link CredsEntry} entries. */
    CREDS(0x54023547, "creds-%d.img", CredsEntry.class),
    /** ipcns-var-%d.img: {@link IpcVarEntry} entries. */
    IPC_VAR(0x53115007, "ipcns-var-%d.img", IpcVarEntry.class),
    /** SysV shm: each entry is followed by {@code size} bytes, padded to 4. */
    IPCNS_SHM(0x46283044, Head.COMMON, "ipcns-shm-%d.img", IpcShmEntry.class, Payload.IPC_SHM, null),
    /** SysV msg queues: each entry is followed by {@code qnum} framed {@link IpcMsg}s with data padded to 8. */
    IPCNS_MSG(0x55453737, Head.COMMON, "ipcns-msg-%d.img", IpcMsgEntry.class, Payload.IPC_MSG, null),
    /** SysV semaphores: each entry is followed by {@code nsems} u16 values, padded to 8. */
    IPCNS_SEM(0x59573019, Head.COMMON, "ipcns-sem-%d.img", IpcSemEntry.class, Payload.IPC_SEM, null),
    /** reg-files.img: {@link RegFileEntry} entries. */
    REG_FILES(0x50363636, "reg-files.img", RegFileEntry.class),
    /** ext-files.img: {@link ExtFileEntry} entries. */
    EXT_FILES(0x59255641, "ext-files.img", ExtFileEntry.class),
    /** fs-%d.img: {@link FsEntry} entries. */
    FS(0x51403912, "fs-%d.img", FsEntry.class),
    /** mm-%d.img: {@link MmEntry} entries. */
    MM(0x57492820, "mm-%d.img", MmEntry.class),
    /** remap-fpath.img: {@link RemapFilePathEntry} entries. */
    REMAP_FPATH(0x59133954, "remap-fpath.img", RemapFilePathEntry.class),
    /**
     * Content of an unlinked file: a {@link GhostFileEntry}, then either the
     * whole content up to end of file, or (with {@code chunks}) a series of
     * {@link GhostChunkEntry}s each followed by {@code len} bytes.
     */
    GHOST_FILE(0x52583605, Head.COMMON, "ghost-file-%x.img", GhostFileEntry.class, Payload.GHOST, null),
    /** TCP queues: each entry is followed by {@code inq_len} then {@code outq_len} bytes. */
    TCP_STREAM(0x51465506, Head.COMMON, "tcp-stream-%x.img", TcpStreamEntry.class, Payload.TCP_STREAM, null),
    /** eventfd.img: {@link EventfdFileEntry} entries. */
    EVENTFD_FILE(0x44523722, "eventfd.img", EventfdFileEntry.class),
    /** eventpoll.img: {@link EventpollFileEntry} entries. */
    EVENTPOLL_FILE(0x45023858, "eventpoll.img", EventpollFileEntry.class),
    /** eventpoll-tfd.img: {@link EventpollTfdEntry} entries. */
    EVENTPOLL_TFD(0x44433746, "eventpoll-tfd.img", EventpollTfdEntry.class),
    /** signalfd.img: {@link SignalfdEntry} entries. */
    SIGNALFD(0x57323820, "signalfd.img", SignalfdEntry.class),
    /** inotify.img: {@link InotifyFileEntry} entries. */
    INOTIFY_FILE(0x48424431, "inotify.img", InotifyFileEntry.class),
    /** inotify-wd.img: {@link InotifyWdEntry} entries. */
    INOTIFY_WD(0x54562009, "inotify-wd.img", InotifyWdEntry.class),
    /** mountpoints-%d.img: {@link MntEntry} entries. */
    MNTS(0x55563928, "mountpoints-%d.img", MntEntry.class),
    /** netdev-%d.img: {@link NetDeviceEntry} entries. */
    NETDEV(0x57373951, "netdev-%d.img", NetDeviceEntry.class),
    /** netns-%d.img: {@link NetnsEntry} entries. */
    NETNS(0x55933752, "netns-%d.img", NetnsEntry.class),
    /** tty.img: {@link TtyFileEntry} entries. */
    TTY_FILES(0x59433025, "tty.img", TtyFileEntry.class),
    /** tty-info.img: {@link TtyInfoEntry} entries. */
    TTY_INFO(0x59453036, "tty-info.img", TtyInfoEntry.class),
    /** tty-data.img: {@link TtyDataEntry} entries. */
    TTY_DATA(0x59413026, "tty-data.img", TtyDataEntry.class),
    /** filelocks.img: {@link FileLockEntry} entries. */
    FILE_LOCKS(0x54323616, "filelocks.img", FileLockEntry.class),
    /** rlimit-%d.img: {@link RlimitEntry} entries. */
    RLIMIT(0x57113925, "rlimit-%d.img", RlimitEntry.class),
    /** fanotify.img: {@link FanotifyFileEntry} entries. */
    FANOTIFY_FILE(0x55096122, "fanotify.img", FanotifyFileEntry.class),
    /** fanotify-mark.img: {@link FanotifyMarkEntry} entries. */
    FANOTIFY_MARK(0x56506035, "fanotify-mark.img", FanotifyMarkEntry.class),
    /** Shared pending signals of a process (signal-s-PID.img): {@link SiginfoEntry} entries. */
    SIGNAL(0x59255647, "signal-s-%d.img", SiginfoEntry.class),
    /** Pending signals of one thread (signal-p-TID.img); the same magic as SIGNAL. */
    PSIGNAL(0x59255647, Head.COMMON, "signal-p-%d.img", SiginfoEntry.class, Payload.NONE, "SIGNAL"),
    NETLINK_SK(0x58005614, "netlinksk.img", NetlinkSkEntry.class),
    /** ns-files.img: {@link NsFileEntry} entries. */
    NS_FILES(0x61394011, "ns-files.img", NsFileEntry.class),
    /** tunfile.img: {@link TunfileEntry} entries. */
    TUNFILE(0x57143751, "tunfile.img", TunfileEntry.class),
    /** cgroup.img: {@link CgroupEntry} entries. */
    CGROUP(0x59383330, "cgroup.img", CgroupEntry.class),
    /** timerfd.img: {@link TimerfdEntry} entries. */
    TIMERFD(0x50493712, "timerfd.img", TimerfdEntry.class),
    /** cpuinfo.img: {@link CpuinfoEntry} entries. */
    CPUINFO(0x61404013, "cpuinfo.img", CpuinfoEntry.class),
    /** userns-%d.img: {@link UsernsEntry} entries. */
    USERNS(0x55474906, "userns-%d.img", UsernsEntry.class),
    /** seccomp.img: {@link SeccompEntry} entries. */
    SECCOMP(0x64413049, "seccomp.img", SeccompEntry.class),
    /** binfmt-misc.img: {@link BinfmtMiscEntry} entries. */
    BINFMT_MISC(0x67343323, "binfmt-misc.img", BinfmtMiscEntry.class),
    /** autofs-%d.img: {@link AutofsEntry} entries. */
    AUTOFS(0x49353943, "autofs-%d.img", AutofsEntry.class),
    /** files.img: {@link FileEntry} entries. */
    FILES(0x56303138, "files.img", FileEntry.class),
    /** memfd.img: {@link MemfdInodeEntry} entries. */
    MEMFD_INODE(0x48453499, "memfd.img", MemfdInodeEntry.class),
    /** timens-%d.img: {@link TimensEntry} entries. */
    TIMENS(0x43114433, "timens-%d.img", TimensEntry.class),
    /** pidns-%d.img: {@link PidnsEntry} entries. */
    PIDNS(0x61157326, "pidns-%d.img", PidnsEntry.class),
    /** bpfmap-file.img: {@link BpfmapFileEntry} entries. */
    BPFMAP_FILE(0x57506142, "bpfmap-file.img", BpfmapFileEntry.class),
    /** BPF map contents: each entry is followed by {@code keys_bytes + values_bytes} bytes. */
    BPFMAP_DATA(0x64324033, Head.COMMON, "bpfmap-data.img", BpfmapDataEntry.class, Payload.BPFMAP_DATA, null),
    /** apparmor.img: {@link ApparmorEntry} entries. */
    APPARMOR(0x59423047, "apparmor.img", ApparmorEntry.class),
    /** Dump and restore statistics (stats-dump, stats-restore); service head. */
    STATS(0x57093306, Head.SERVICE, "stats-%s", StatsEntry.class, Payload.NONE, null),
    /** Inotify path cache; service head. */
    IRMAP_CACHE(0x57004059, Head.SERVICE, "irmap-cache", IrmapCacheEntry.class, Payload.NONE, null),
    /** Raw page data described by a pagemap: no magic, no entries. */
    PAGES(ImageMagic.RAW, Head.RAW, "pages-%d.img", null, Payload.NONE, null),
    /** ifaddr-%d.img: raw data, no magic. */
    IFADDR(ImageMagic.RAW, Head.RAW, "ifaddr-%d.img", null, Payload.NONE, null),
    /** route-%d.img: raw data, no magic. */
    ROUTE(ImageMagic.RAW, Head.RAW, "route-%d.img", null, Payload.NONE, null),
    /** route6-%d.img: raw data, no magic. */
    ROUTE6(ImageMagic.RAW, Head.RAW, "route6-%d.img", null, Payload.NONE, null),
    /** rule-%d.img: raw data, no magic. */
    RULE(ImageMagic.RAW, Head.RAW, "rule-%d.img", null, Payload.NONE, null),
    /** iptables-%d.img: raw data, no magic. */
    IPTABLES(ImageMagic.RAW, Head.RAW, "iptables-%d.img", null, Payload.NONE, null),
    /** ip6tables-%d.img: raw data, no magic. */
    IP6TABLES(ImageMagic.RAW, Head.RAW, "ip6tables-%d.img", null, Payload.NONE, null),
    /** nftables-%d.img: raw data, no magic. */
    NFTABLES(ImageMagic.RAW, Head.RAW, "nftables-%d.img", null, Payload.NONE, null),
    /** tmpfs-%d.tar.gz: raw data, no magic. */
    TMPFS_IMG(ImageMagic.RAW, Head.RAW, "tmpfs-%d.tar.gz", null, Payload.NONE, null),
    /** tmpfs-dev-%d.tar.gz: raw data, no magic. */
    TMPFS_DEV(ImageMagic.RAW, Head.RAW, "tmpfs-dev-%d.tar.gz", null, Payload.NONE, null);

    /** What precedes the image's own magic. */
    public enum Head {
        /** IMG_COMMON, then the image magic. */
        COMMON,
        /** IMG_SERVICE, then the image magic. */
        SERVICE,
        /** Only the image magic (inventory.img). */
        NONE,
        /** No magic at all: raw data. */
        RAW
    }

    /** Raw bytes that follow an entry, and how their length is found. */
    public enum Payload {
        /** Entries carry no payload. */
        NONE,
        /** {@code PipeDataEntry.bytes} bytes. */
        PIPE_DATA,
        /** {@code SkPacketEntry.length} bytes. */
        SK_QUEUE,
        /** {@code TcpStreamEntry.inq_len} then {@code outq_len} bytes. */
        TCP_STREAM,
        /** Ghost file content: to end of file, or per chunk {@code GhostChunkEntry.len} bytes. */
        GHOST,
        /** {@code BpfmapDataEntry.keys_bytes + values_bytes} bytes. */
        BPFMAP_DATA,
        /** {@code IpcShmEntry.size} bytes rounded up to 4. */
        IPC_SHM,
        /** {@code 2 * IpcSemEntry.nsems} bytes rounded up to 8. */
        IPC_SEM,
        /** {@code qnum} framed IpcMsg entries, each followed by msize bytes rounded up to 8. */
        IPC_MSG
    }

    private final int magic;
    private final Head head;
    private final String pattern;
    /**
     * The generated class of the entries. Only the class, not its default instance: a
     * class literal does not initialize the class, and initializing all of them (about
     * 80, each building its default instance) cost a short restore or dump that reads or
     * writes a dozen kinds several ms of CPU, paid again in every fresh JVM.
     */
    private final Class<? extends Message> entryClass;
    /** The default instance of {@link #entryClass}, looked up at first use. */
    private volatile Message entry;
    private final Payload payload;
    private final String critName;

    ImageType(int magic, String pattern, Class<? extends Message> entryClass) {
        this(magic, Head.COMMON, pattern, entryClass, Payload.NONE, null);
    }

    ImageType(int magic, Head head, String pattern, Class<? extends Message> entryClass) {
        this(magic, head, pattern, entryClass, Payload.NONE, null);
    }

    ImageType(int magic, Head head, String pattern, Class<? extends Message> entryClass, Payload payload,
            String critName) {
        this.magic = magic;
        this.head = head;
        this.pattern = pattern;
        this.entryClass = entryClass;
        this.payload = payload;
        this.critName = critName;
    }

    private static final Map<Integer, ImageType> BY_MAGIC = new HashMap<>();
    private static final Map<String, ImageType> BY_CRIT_NAME = new HashMap<>();

    static {
        for (ImageType t : values()) {
            if (t.head != Head.RAW) {
                BY_MAGIC.putIfAbsent(t.magic, t);
                BY_CRIT_NAME.putIfAbsent(t.critName(), t);
            }
        }
    }

    /** @return the image's own magic (0 for raw images) */
    public int magic() {
        return magic;
    }

    /** @return what precedes the image magic in the file */
    public Head head() {
        return head;
    }

    /** @return the head magic written before {@link #magic()}, or 0 for {@link Head#NONE} and {@link Head#RAW} */
    public int headMagic() {
        switch (head) {
            case COMMON: return ImageMagic.IMG_COMMON;
            case SERVICE: return ImageMagic.IMG_SERVICE;
            default: return 0;
        }
    }

    /** @return the file name pattern, e.g. {@code core-%d.img} */
    public String pattern() {
        return pattern;
    }

    /**
     * @return the default instance of the entry message (for PAGEMAP kinds the
     *         entries after the {@link PagemapHead}; for GHOST_FILE the first
     *         entry), or null for raw images
     */
    public Message entryPrototype() {
        Message m = entry;
        if (m == null && entryClass != null) {
            // a benign race: two threads may both look it up, and get the same instance
            entry = m = Internal.getDefaultInstance(entryClass);
        }
        return m;
    }

    /** @return the raw payload kind of the entries */
    public Payload payload() {
        return payload;
    }

    /** @return true for images with no magic and no entries (pages, tarballs) */
    public boolean isRaw() {
        return head == Head.RAW;
    }

    /** @return the magic name CRIU's crit prints for this image, e.g. {@code "PAGEMAP"} */
    public String critName() {
        return critName != null ? critName : name();
    }

    /**
     * @param id the task, object or set id the pattern takes; ignored by
     *        patterns without one
     * @return the file name, e.g. {@code core-42.img}
     */
    public String fileName(long id) {
        if (pattern.contains("%d")) {
            return pattern.replace("%d", Long.toString(id));
        }
        if (pattern.contains("%x")) {
            return pattern.replace("%x", Long.toHexString(id));
        }
        return pattern;
    }

    /**
     * @param name the name for a {@code %s} pattern, e.g. {@code "dump"} for stats-dump
     * @return the file name
     */
    public String fileName(String name) {
        return pattern.replace("%s", name);
    }

    /** @return the image kind with this own magic, or null if unknown (head magics and 0 are never found) */
    public static ImageType byMagic(int magic) {
        return BY_MAGIC.get(magic);
    }

    /** @return the image kind crit names so, e.g. {@code "CORE"}, or null if unknown */
    public static ImageType byCritName(String name) {
        return name == null ? null : BY_CRIT_NAME.get(name.toUpperCase(Locale.ROOT));
    }
}
