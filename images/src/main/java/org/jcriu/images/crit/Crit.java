package org.jcriu.images.crit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jcriu.images.ImageException;
import org.jcriu.images.ImageReader;
import org.jcriu.images.ImageType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code crit}: the CRIU image tool. decode / encode / info / show / x, with
 * the JSON CRIU's crit prints. Errors are one line on stderr and exit 1.
 */
@Command(name = "crit", mixinStandardHelpOptions = true, version = "crit (jcriu) 0.1.0",
        description = "CRiu Image Tool: convert CRIU images to JSON and back, and explore an image directory.",
        subcommands = {Crit.Decode.class, Crit.Encode.class, Crit.Info.class, Crit.Show.class, Crit.X.class})
public final class Crit implements Callable<Integer> {
    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "print stack traces of errors")
    boolean verbose;

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.err);
        return 1;
    }

    /** Runs crit; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Crit());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            boolean verbose = parsed.matchedOption("--verbose") != null
                    || parsed.subcommands().stream().anyMatch(p -> p.matchedOption("--verbose") != null);
            err.println("Error: " + message(ex));
            if (verbose) {
                ex.printStackTrace(err);
            }
            return 1;
        });
        cl.setParameterExceptionHandler((ex, args2) -> {
            err.println("Error: " + ex.getMessage());
            ex.getCommandLine().usage(err);
            return 1;
        });
        Streams.out = out;
        return cl.execute(args);
    }

    private static String message(Throwable ex) {
        if (ex instanceof ImageException) {
            return ex.getMessage();
        }
        String m = ex.getMessage();
        return ex.getClass().getSimpleName() + (m != null ? ": " + m : "");
    }

    /** Entry point of the launcher. */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        int rc = run(args, out, System.err);
        out.flush();
        System.exit(rc);
    }

    static final class Streams {
        static PrintStream out = System.out;

        private Streams() {
        }
    }

    static ImageReader openInput(String in) throws ImageException {
        if (in == null || in.equals("-")) {
            byte[] b;
            try {
                b = System.in.readAllBytes();
            } catch (IOException e) {
                throw new ImageException("<stdin>", -1, "read failed: " + e.getMessage(), e);
            }
            return ImageReader.of(ByteBuffer.wrap(b), "<stdin>");
        }
        return ImageReader.open(Path.of(in));
    }

    static void decodeTo(String in, String outFile, boolean pretty, boolean noPayload) throws ImageException {
        Map<String, Object> img;
        try (ImageReader r = openInput(in)) {
            img = ImageJson.decode(r, pretty, noPayload);
        }
        String text = Json.dumps(img, pretty ? 4 : null);
        if (outFile != null) {
            try {
                Files.writeString(Path.of(outFile), text, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new ImageException(outFile, -1, "cannot write: " + e.getMessage(), e);
            }
        } else {
            PrintStream out = Streams.out;
            out.print(text);
            out.print("\n");
            out.flush();
        }
    }

    @Command(name = "decode", description = "convert criu image from binary type to json")
    static final class Decode implements Callable<Integer> {
        @Option(names = "--pretty", description = "Multiline with indents and some numerical fields in field-specific format")
        boolean pretty;
        @Option(names = {"-i", "--in"}, description = "criu image in binary format to be decoded (stdin by default)")
        String in;
        @Option(names = {"-o", "--out"}, description = "where to put criu image in json format (stdout by default)")
        String out;

        @Override
        public Integer call() throws ImageException {
            decodeTo(in, out, pretty, false);
            return 0;
        }
    }

    @Command(name = "show", description = "convert criu image from binary to human-readable json")
    static final class Show implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "in", description = "the image")
        String in;
        @Option(names = "--nopl", description = "do not show entry payload (if exists)")
        boolean nopl;

        @Override
        public Integer call() throws ImageException {
            decodeTo(in, null, true, nopl);
            return 0;
        }
    }

    @Command(name = "encode", description = "convert criu image from json type to binary")
    static final class Encode implements Callable<Integer> {
        @Option(names = {"-i", "--in"}, description = "criu image in json format to be encoded (stdin by default)")
        String in;
        @Option(names = {"-o", "--out"}, description = "where to put criu image in binary format (stdout by default)")
        String out;

        @Override
        public Integer call() throws ImageException {
            String name = in == null ? "<stdin>" : in;
            String text;
            try (InputStream is = in == null ? System.in : Files.newInputStream(Path.of(in))) {
                text = new String(is.readAllBytes(), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new ImageException(name, -1, "no such file");
            } catch (IOException e) {
                throw new ImageException(name, -1, "cannot read: " + e.getMessage(), e);
            }
            Object json;
            try {
                json = Json.parse(text);
            } catch (Json.ParseException e) {
                throw new ImageException(name, e.offset, "cannot read JSON: " + e.getMessage()
                        + " (encode expects JSON input, not an image)");
            }
            if (out != null) {
                try (FileChannel fc = FileChannel.open(Path.of(out), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    ImageJson.encode(json, fc, out);
                } catch (ImageException e) {
                    throw e;
                } catch (IOException e) {
                    throw new ImageException(out, -1, "cannot write: " + e.getMessage(), e);
                }
            } else {
                OutputStream os = Streams.out;
                WritableByteChannel ch = Channels.newChannel(os);
                ImageJson.encode(json, ch, "<stdout>");
                Streams.out.flush();
            }
            return 0;
        }
    }

    @Command(name = "info", description = "show info about image")
    static final class Info implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "in", description = "the image")
        String inPos;
        @Option(names = {"-i", "--in"}, description = "the image (same as the positional argument)")
        String in;

        @Override
        public Integer call() throws ImageException {
            String file = in != null ? in : inPos;
            if (file == null) {
                throw new ImageException("crit info", -1, "no image given");
            }
            Map<String, Object> res = new LinkedHashMap<>();
            try (ImageReader r = ImageReader.open(Path.of(file))) {
                long n = 0;
                while (r.next() != null) {
                    n++;
                }
                if (r.type() == ImageType.PAGEMAP) {
                    n--;
                }
                res.put("magic", r.type().critName());
                res.put("count", n);
            }
            Streams.out.print(Json.dumps(res, 4));
            Streams.out.print("\n");
            Streams.out.flush();
            return 0;
        }
    }

    @Command(name = "x", description = "explore image dir")
    static final class X implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "dir", description = "image directory")
        String dir;
        @Parameters(index = "1", paramLabel = "what", description = "ps, fds, mems or rss")
        String what;

        @Override
        public Integer call() throws ImageException {
            if (!java.util.List.of("ps", "fds", "mems", "rss").contains(what)) {
                throw new ImageException(dir, -1, "unknown x target '" + what + "' (choose from ps, fds, mems, rss)");
            }
            new Explore(Path.of(dir), Streams.out).run(what);
            Streams.out.flush();
            return 0;
        }
    }
}
