import java.io.FileOutputStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * User story: a JVM running a thread pool. Run by story_jvm_pool (C) as its
 * child: args[0] is a file to create once the pool is busy. Four workers
 * keep updating a shared map and counter; on SIGTERM a shutdown hook checks
 * that the work went on consistently and that the pool still runs new tasks,
 * then halts with 0 (good) or 1.
 */
public final class ThreadPoolStory {
    static final AtomicLong done = new AtomicLong();
    static final ConcurrentHashMap<Integer, Long> perKey = new ConcurrentHashMap<>();
    static volatile boolean stop;

    public static void main(String[] args) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Thread feeder = new Thread(() -> {
            int k = 0;
            while (!stop) {
                final int key = k++ % 64;
                pool.submit(() -> {
                    perKey.merge(key, 1L, Long::sum);
                    done.incrementAndGet();
                });
                if (k % 16 == 0) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "feeder");
        feeder.start();
        while (done.get() < 1000) Thread.sleep(5);
        final long atReady = done.get();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            boolean ok = true;
            StringBuilder why = new StringBuilder();
            try {
                long atTerm = done.get();
                if (atTerm < atReady) { ok = false; why.append("counter went back; "); }
                stop = true;
                feeder.join(5000);
                CountDownLatch latch = new CountDownLatch(100);
                for (int i = 0; i < 100; i++) pool.submit(latch::countDown);
                if (!latch.await(5, TimeUnit.SECONDS)) { ok = false; why.append("pool does not run new tasks; "); }
                pool.shutdown();
                if (!pool.awaitTermination(5, TimeUnit.SECONDS)) { ok = false; why.append("pool did not finish; "); }
                long sum = perKey.values().stream().mapToLong(Long::longValue).sum();
                if (sum != done.get()) { ok = false; why.append("map sum " + sum + " != counter " + done.get() + "; "); }
                if (done.get() <= atReady) { ok = false; why.append("no work after READY; "); }
            } catch (Throwable t) {
                ok = false;
                why.append(t);
            }
            System.out.println("jvm story: " + (ok ? "pool intact" : "FAILED: " + why) + " (" + done.get() + " tasks)");
            System.out.flush();
            Runtime.getRuntime().halt(ok ? 0 : 1);
        }, "checker"));
        try (FileOutputStream f = new FileOutputStream(args[0])) {
            f.write('r');
        }
        feeder.join();
    }
}
