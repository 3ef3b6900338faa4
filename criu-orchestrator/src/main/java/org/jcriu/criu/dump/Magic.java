package org.jcriu.criu.dump;

/** Image magics, as CRIU 4.x writes them (checked against the threads-fds vector). */
final class Magic {
    private Magic() {}

    static final int IMG_COMMON = 0x54564319, IMG_SERVICE = 0x55105940;
    static final int INVENTORY = 0x58313116, PSTREE = 0x50273030, CORE = 0x55053847, IDS = 0x54432030,
            MM = 0x57492820, PAGEMAP = 0x56084025, FILES = 0x56303138, FDINFO = 0x56213732, FS = 0x51403912,
            GHOST_FILE = 0x52583605, REMAP_FPATH = 0x59133954, MEMFD_INODE = 0x48453499,
            PIPES_DATA = 0x56453709, SK_QUEUES = 0x56264026, SECCOMP = 0x64413049, TIMENS = 0x43114433,
            STATS = 0x57093306, FIFO_DATA = 0x59333054, FILE_LOCKS = 0x54323616, TTY_INFO = 0x59433025;
}
