package org.jcriu.compel;

import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * One dedicated thread through which every ptrace request of a traced tree goes (the kernel
 * accepts ptrace requests only from the thread that attached). Compel's own objects submit their
 * work here; callers may run their own sequences with {@link #call} (already on the tracer
 * thread, the work runs inline). Get one from {@link Compel#tracer()}; {@link #close()} stops the
 * thread after the queued work (tasks still attached are detached by the kernel when the thread
 * ends, so resume them first).
 */
public final class Tracer implements AutoCloseable {
    /** spinning only pays where there are cores to spare */
    private static final long SPIN_NANOS = Runtime.getRuntime().availableProcessors() > 2 ? 20_000 : 0;

    private final ConcurrentLinkedQueue<Work<?>> queue = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final Logger log;
    private final boolean bound;
    private volatile boolean closed;

    Tracer(String name, Logger log) {
        this.log = log;
        this.bound = false;
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** A tracer bound to an existing thread: only that thread may use it (no hand-over cost). */
    Tracer(Thread owner, Logger log) {
        this.log = log;
        this.bound = true;
        this.thread = owner;
    }

    /** @return the logger given to {@link Compel#tracer(Logger)} */
    public Logger log() {
        return log;
    }

    /** @return whether the calling thread is this tracer's thread */
    public boolean isTracerThread() {
        return Thread.currentThread() == thread;
    }

    /** @return the tracer's thread */
    public Thread thread() {
        return thread;
    }

    /**
     * Seizes a task and all its threads, see {@link Tracee}.
     *
     * @param pid the task (thread group) id
     * @param options how to attach (none: a plain PTRACE_SEIZE)
     * @return the stopped task
     */
    public Tracee seize(int pid, SeizeOption... options) {
        return call(() -> Tracee.seize(this, pid, false, options));
    }

    /**
     * Runs {@code work} on the tracer thread and waits for it. Exceptions thrown by the work are
     * rethrown as they are (checked ones wrapped in a {@link CompelException}).
     */
    public <T> T call(Callable<T> work) {
        if (Thread.currentThread() == thread) {
            try {
                return work.call();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new CompelException(e.toString(), e);
            }
        }
        Work<T> w = enqueue(work);
        return w.await();
    }

    /** Runs {@code work} on the tracer thread and waits for it. */
    public void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    /** Queues {@code work} for the tracer thread. @return its future */
    public <T> Future<T> submit(Callable<T> work) {
        return enqueue(work);
    }

    private <T> Work<T> enqueue(Callable<T> work) {
        if (bound) {
            throw new CompelException("tracer is bound to thread \"" + thread.getName() + "\"; call it from there");
        }
        if (closed) {
            throw new CompelException("tracer is closed");
        }
        Work<T> w = new Work<>(work, Thread.currentThread());
        queue.add(w);
        LockSupport.unpark(thread);
        return w;
    }

    private void loop() {
        while (true) {
            Work<?> w = queue.poll();
            if (w == null) {
                if (closed) {
                    return;
                }
                long end = System.nanoTime() + SPIN_NANOS;
                while ((w = queue.poll()) == null && System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                if (w == null) {
                    LockSupport.parkNanos(this, 100_000_000L);
                    continue;
                }
            }
            w.execute();
        }
    }

    /** Stops the thread once the queued work is done. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (bound) {
            return;
        }
        LockSupport.unpark(thread);
        if (!isTracerThread()) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final class Work<T> implements Future<T> {
        private final Callable<T> body;
        private final Thread waiter;
        private volatile boolean done;
        private T value;
        private Throwable failure;

        Work(Callable<T> body, Thread waiter) {
            this.body = body;
            this.waiter = waiter;
        }

        void execute() {
            try {
                value = body.call();
            } catch (Throwable t) {
                failure = t;
            }
            done = true;
            LockSupport.unpark(waiter);
        }

        T await() {
            long end = System.nanoTime() + SPIN_NANOS;
            while (!done && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            while (!done) {
                LockSupport.parkNanos(this, 1_000_000L);
            }
            return result();
        }

        private T result() {
            if (failure instanceof RuntimeException) {
                throw (RuntimeException) failure;
            }
            if (failure instanceof Error) {
                throw (Error) failure;
            }
            if (failure != null) {
                throw new CompelException(failure.toString(), failure);
            }
            return value;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return done;
        }

        @Override
        public T get() throws ExecutionException {
            await();
            if (failure != null) {
                throw new ExecutionException(failure);
            }
            return value;
        }

        @Override
        public T get(long timeout, TimeUnit unit) throws ExecutionException, TimeoutException {
            long end = System.nanoTime() + unit.toNanos(timeout);
            while (!done) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException();
                }
                LockSupport.parkNanos(this, left);
            }
            if (failure != null) {
                throw new ExecutionException(failure);
            }
            return value;
        }
    }
}
