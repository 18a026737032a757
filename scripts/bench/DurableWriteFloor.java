import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The floor under any receiver that answers a C-STORE only once the object is durable: writes the files of a
 * folder, read into memory beforehand (no network, no parsing, no index), one after the other on each of N
 * threads, each as a temporary file, forced with fdatasync, renamed into place and its folder forced - the least a
 * store must do before its success (PS3.4 leaves durability to the archive; the issue asks for it). An archive that
 * receives the same files over the network and fsyncs each can only be slower than this, whatever its design.
 *
 * <p>Usage: {@code java DurableWriteFloor.java SOURCE-DIR TARGET-DIR THREADS}; prints "SECONDS CPU-SECONDS" of the
 * timed part (reading the sources into memory is not timed).
 */
public final class DurableWriteFloor {
    public static void main(String[] args) throws Exception {
        Path source = Path.of(args[0]);
        Path target = Path.of(args[1]);
        int threads = Integer.parseInt(args[2]);
        List<Path> files;
        try (Stream<Path> s = Files.list(source)) {
            files = s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
        }
        byte[][] content = new byte[files.size()][];
        for (int i = 0; i < content.length; i++) {
            content[i] = Files.readAllBytes(files.get(i));
        }
        Files.createDirectories(target);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long cpu0 = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
        long t0 = System.nanoTime();
        Future<?>[] done = new Future<?>[threads];
        for (int k = 0; k < threads; k++) {
            int first = k;
            done[k] = pool.submit(() -> {
                ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
                for (int i = first; i < content.length; i += threads) {
                    write(target, "f" + i, content[i], buffer);
                }
                return null;
            });
        }
        try {
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown(); // non-daemon threads: a failed write must not leave the JVM hanging
        }
        long t1 = System.nanoTime();
        long cpu1 = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
        System.out.printf("%.4f %.4f%n", (t1 - t0) / 1e9, (cpu1 - cpu0) / 1e9);
    }

    private static void write(Path dir, String name, byte[] data, ByteBuffer buffer) throws IOException {
        Path temp = dir.resolve("." + name + ".part");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int off = 0; off < data.length; off += buffer.capacity()) {
                buffer.clear();
                buffer.put(data, off, Math.min(buffer.capacity(), data.length - off)).flip();
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
            }
            ch.force(false);
        }
        Files.move(temp, dir.resolve(name + ".dcm"), StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        }
    }
}
