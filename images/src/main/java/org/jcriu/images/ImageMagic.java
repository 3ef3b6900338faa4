package org.jcriu.images;

/**
 * The head magics of CRIU images. Every image but inventory.img and raw
 * images starts with one of the two heads, then the image's own magic
 * (see {@link ImageType#magic()}); inventory.img has only its own magic.
 * All magics are u32 in native (little-endian) byte order.
 */
public final class ImageMagic {
    /** Head magic of the images a dump writes ({@code 0x54564319}). */
    public static final int IMG_COMMON = 0x54564319;
    /** Head magic of service images: stats and irmap cache ({@code 0x55105940}). */
    public static final int IMG_SERVICE = 0x55105940;
    /** Magic of raw images (pages, tarballs, netlink dumps): no magic is written at all. */
    public static final int RAW = 0;

    private ImageMagic() {
    }

    /** @return the magic formatted as CRIU prints it, e.g. {@code 0x54564319} */
    public static String hex(int magic) {
        return "0x" + Integer.toHexString(magic);
    }
}
