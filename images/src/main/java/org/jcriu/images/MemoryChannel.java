package org.jcriu.images;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/** A read-only seekable channel over bytes held in memory (stdin, tests). */
final class MemoryChannel implements SeekableByteChannel {
    private final ByteBuffer data;
    private long position;
    private boolean open = true;

    MemoryChannel(ByteBuffer data) {
        this.data = data.slice();
    }

    @Override
    public int read(ByteBuffer dst) throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
        if (position >= data.limit()) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), data.limit() - position);
        ByteBuffer src = data.duplicate();
        src.position((int) position).limit((int) position + n);
        dst.put(src);
        position += n;
        return n;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
        position = newPosition;
        return this;
    }

    @Override
    public long size() {
        return data.limit();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
