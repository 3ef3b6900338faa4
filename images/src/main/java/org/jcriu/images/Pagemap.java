package org.jcriu.images;

/**
 * Pagemap facts: the flags of {@code PagemapEntry.flags} and the page size.
 * A pagemap image (pagemap-PID.img, pagemap-shmem-SHMID.img) holds a
 * {@code PagemapHead} naming the pages-N.img file, then one entry per run of
 * pages; runs with {@link #PE_PRESENT} have their data in pages-N.img, in
 * order, back to back.
 */
public final class Pagemap {
    /** The pages are in the parent image directory (pre-dump / incremental). */
    public static final int PE_PARENT = 1;
    /** The pages may be restored lazily (by userfaultfd). */
    public static final int PE_LAZY = 1 << 1;
    /** The pages' data is in this dump's pages-N.img. */
    public static final int PE_PRESENT = 1 << 2;
    /** x86-64 page size. */
    public static final int PAGE_SIZE = 4096;

    private Pagemap() {
    }

    /** @return the flags as crit prints them, e.g. {@code "PE_LAZY | PE_PRESENT"} */
    public static String flagNames(int flags) {
        StringBuilder sb = new StringBuilder();
        String[] names = {"PE_PARENT", "PE_LAZY", "PE_PRESENT"};
        for (int i = 0; i < names.length; i++) {
            if ((flags & (1 << i)) != 0) {
                sb.append(sb.length() > 0 ? " | " : "").append(names[i]);
            }
        }
        int rest = flags & ~7;
        if (rest != 0) {
            sb.append(sb.length() > 0 ? " | " : "").append("0x").append(Integer.toHexString(rest));
        }
        return sb.toString();
    }
}
