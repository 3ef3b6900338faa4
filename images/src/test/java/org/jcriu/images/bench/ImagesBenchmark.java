package org.jcriu.images.bench;

import com.google.protobuf.Message;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jcriu.images.ImageException;
import org.jcriu.images.ImageReader;
import org.jcriu.images.ImageType;
import org.jcriu.images.ImageWriter;
import org.jcriu.images.Vectors;
import org.jcriu.images.proto.CoreEntry;
import org.jcriu.images.proto.MmEntry;
import org.jcriu.images.proto.PagemapEntry;
import org.jcriu.images.proto.PagemapHead;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decode and encode throughput of image entries, in entries per second
 * (each benchmark reads or writes {@value #N} entries per operation). The
 * entries are the real ones of the vectors: the main thread's core entry
 * (x86 registers, xsave, rlimits, 64 sigactions: 2288-byte frame), the mm
 * entry (its VMAs and auxv: 1268-byte frame) and a pagemap entry (18-byte
 * frame). MB/s = entries/s x frame size (printed by {@link #main}).
 *
 * <p>Run: see Documentation/images.md ("Benchmark").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ImagesBenchmark {
    /** Entries per image in every benchmark. */
    public static final int N = 1000;

    @Param({"core", "mm", "pagemap"})
    public String kind;

    private ImageType type;
    private Message entry;
    private ByteBuffer image;
    private final WritableByteChannel sink = Channels.newChannel(new java.io.OutputStream() {
        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    });

    /** Builds an in-memory image of N copies of the vector's entry. */
    @Setup(Level.Trial)
    public void setup() throws Exception {
        Path d = Vectors.dump();
        switch (kind) {
            case "core":
                type = ImageType.CORE;
                try (ImageReader r = ImageReader.open(d.resolve("core-30978.img"))) {
                    entry = r.next();
                }
                break;
            case "mm":
                type = ImageType.MM;
                try (ImageReader r = ImageReader.open(d.resolve("mm-30978.img"))) {
                    entry = r.next();
                }
                break;
            default:
                type = ImageType.PAGEMAP;
                try (ImageReader r = ImageReader.open(d.resolve("pagemap-30978.img"))) {
                    r.next();
                    entry = r.next();
                }
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ImageWriter w = ImageWriter.to(Channels.newChannel(bos), "bench", type)) {
            if (type == ImageType.PAGEMAP) {
                w.write(PagemapHead.newBuilder().setPagesId(1).build());
            }
            for (int i = 0; i < N; i++) {
                w.write(entry);
            }
        }
        image = ByteBuffer.wrap(bos.toByteArray());
    }

    /** Reads and parses N entries. */
    @Benchmark
    @OperationsPerInvocation(N)
    public void decode(Blackhole bh) throws ImageException {
        try (ImageReader r = ImageReader.of(image.duplicate(), "bench")) {
            Message m;
            while ((m = r.next()) != null) {
                bh.consume(m);
            }
        }
    }

    /** Frames and serializes N entries. */
    @Benchmark
    @OperationsPerInvocation(N)
    public void encode() throws ImageException {
        try (ImageWriter w = ImageWriter.to(sink, "bench", type)) {
            for (int i = 0; i < N; i++) {
                w.write(entry);
            }
        }
    }

    /** Prints the frame size of each kind, to turn entries/s into MB/s. */
    public static void main(String[] args) throws Exception {
        Path d = Vectors.dump();
        try (ImageReader r = ImageReader.open(d.resolve("core-30978.img"))) {
            System.out.println("core frame bytes " + (4 + ((CoreEntry) r.next()).getSerializedSize()));
        }
        try (ImageReader r = ImageReader.open(d.resolve("mm-30978.img"))) {
            System.out.println("mm frame bytes " + (4 + ((MmEntry) r.next()).getSerializedSize()));
        }
        try (ImageReader r = ImageReader.open(d.resolve("pagemap-30978.img"))) {
            r.next();
            System.out.println("pagemap frame bytes " + (4 + ((PagemapEntry) r.next()).getSerializedSize()));
        }
        System.out.println("vector files: " + Files.list(d).count());
    }
}
