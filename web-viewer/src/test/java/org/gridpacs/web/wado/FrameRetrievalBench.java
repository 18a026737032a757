package org.gridpacs.web.wado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;

import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.gridpacs.web.WebTestServer;
import org.gridpacs.web.pixels.StoredPixelData;
import org.gridpacs.web.target.RetrieveTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retrieve Frames throughput as OHIF loads a CT series (one request per frame, over a few connections): a series of
 * 512 x 512 16-bit CT slices, 4 client threads each with its own connection, frames/s printed (nothing timed is
 * asserted: a benchmark, run on purpose). Client and server share the machine, so beside frames/s it prints the
 * CPU time the server's threads spent per frame, and what one request costs in its two server-side steps, the index
 * lookup and reading the frame from the stored file.
 *
 * <pre>
 * mvn -B -o -q test -pl web-viewer -am -Dtest=FrameRetrievalBench -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtest.excludedGroups= [-Dbench.slices=50 -Dbench.requests=1000]
 * </pre>
 */
@ProcessTest
class FrameRetrievalBench {
    private static final int SIZE = 512;
    private static final int THREADS = 4;
    private static final int ROUNDS = 5;

    @TempDir
    Path dir;

    @Test
    void framesPerSecondOverFourConnections() throws Exception {
        int slices = Integer.getInteger("bench.slices", 50);
        int requests = Integer.getInteger("bench.requests", 1000);
        try (WebTestServer s = new WebTestServer(dir)) {
            List<String> urls = new ArrayList<>();
            List<String[]> uids = new ArrayList<>();
            String study = Implementation.newUID();
            String series = Implementation.newUID();
            for (int k = 1; k <= slices; k++) {
                DataSet ds = slice(study, series, k);
                s.store(ds);
                urls.add(s.origin() + WadoRsInstancesTest.instanceUrl(ds) + "/frames/1");
                uids.add(new String[] {study, series, ds.getString(Tag.SOPInstanceUID)});
            }
            run(urls, requests / 2); // warm-up: JIT, connection and statement pools
            // the machine is shared: rounds, the best and the median of them
            double[] rate = new double[ROUNDS];
            double[] cpu = new double[ROUNDS];
            long allocated = 0;
            long[] ticks = kernelTicks();
            for (int r = 0; r < ROUNDS; r++) {
                long[] before = serverThreads();
                rate[r] = run(urls, requests / ROUNDS);
                long[] after = serverThreads();
                cpu[r] = (after[0] - before[0]) / 1e6 / (THREADS * (requests / ROUNDS));
                allocated += after[1] - before[1];
            }
            long[] ticksAfter = kernelTicks();
            double systemShare = (double) (ticksAfter[1] - ticks[1])
                    / Math.max(1, ticksAfter[0] - ticks[0] + ticksAfter[1] - ticks[1]);
            Arrays.sort(rate);
            Arrays.sort(cpu);
            RetrieveTarget target = new RetrieveTarget(s.retrieve);
            double lookup = perCall(requests, k -> {
                String[] u = uids.get(k % uids.size());
                target.instance(u[0], u[1], u[2]);
            });
            List<IndexedInstance> found = new ArrayList<>();
            for (String[] u : uids) {
                found.add(target.instance(u[0], u[1], u[2]));
            }
            double read = perCall(requests, k -> {
                try (StoredPixelData px = StoredPixelData.open(s.retrieve.open(found.get(k % found.size())))) {
                    px.copyNativeFrame(0, OutputStream.nullOutputStream());
                }
            });
            System.out.printf(Locale.ROOT, "FrameRetrievalBench: %d slices %dx%d 16-bit, %d threads x %d requests in %d"
                            + " rounds: best %.0f frames/s (%.0f MB/s), median %.0f; server CPU per frame: least %.3f ms,"
                            + " median %.3f ms (%.0f%% of it in the kernel), %.0f kB allocated; per request in one thread: lookup %.3f ms, open+read %.3f ms%n",
                    slices, SIZE, SIZE, THREADS, requests, ROUNDS, rate[ROUNDS - 1],
                    rate[ROUNDS - 1] * SIZE * SIZE * 2 / 1e6, rate[ROUNDS / 2], cpu[0], cpu[ROUNDS / 2], 100 * systemShare,
                    allocated / 1e3 / (THREADS * (requests / ROUNDS) * ROUNDS), lookup, read);
        }
    }

    /** Frames per second for {@code requests} requests on each of the threads. */
    private static double run(List<String> urls, int requests) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < THREADS; t++) {
                int first = t * 7;
                done.add(pool.submit(() -> {
                    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    for (int k = 0; k < requests; k++) {
                        HttpRequest r = HttpRequest.newBuilder(URI.create(urls.get((first + k) % urls.size())))
                                .header("Accept", WadoRsFramesTest.OHIF_QUOTED).GET().build();
                        HttpResponse<byte[]> a = client.send(r, HttpResponse.BodyHandlers.ofByteArray());
                        assertEquals(200, a.statusCode());
                        assertTrue(a.body().length > SIZE * SIZE * 2, "a whole frame");
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return (double) THREADS * requests / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * CPU time and bytes allocated of the server's threads (Jetty's pool, named "http"), summed: the client's are
     * apart. Allocation counts the copies a request makes and, unlike time, does not vary with the machine's load.
     */
    private static long[] serverThreads() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long cpu = 0;
        long allocated = 0;
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("http")) {
                cpu += Math.max(0, mx.getThreadCpuTime(t.getThreadId()));
                allocated += Math.max(0, mx.getThreadAllocatedBytes(t.getThreadId()));
            }
        }
        return new long[] {cpu, allocated};
    }

    /** User and system clock ticks of the server's threads, from Linux's /proc (zeros elsewhere). */
    private static long[] kernelTicks() {
        long[] t = new long[2];
        File[] tasks = new File("/proc/self/task").listFiles();
        if (tasks == null) {
            return t;
        }
        for (File task : tasks) {
            try {
                String stat = Files.readString(task.toPath().resolve("stat"));
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (!comm.startsWith("http")) {
                    continue;
                }
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                t[0] += Long.parseLong(f[11]); // utime (field 14 of stat)
                t[1] += Long.parseLong(f[12]); // stime
            } catch (IOException | RuntimeException e) {
                // a thread that ended meanwhile
            }
        }
        return t;
    }

    interface Step {
        void run(int k) throws Exception;
    }

    /** Milliseconds per call: the least of a few rounds, after as many calls to warm up. */
    private static double perCall(int calls, Step step) throws Exception {
        for (int k = 0; k < calls; k++) {
            step.run(k);
        }
        double least = Double.MAX_VALUE;
        for (int r = 0; r < ROUNDS; r++) {
            long start = System.nanoTime();
            for (int k = 0; k < calls / ROUNDS; k++) {
                step.run(k);
            }
            least = Math.min(least, (System.nanoTime() - start) / 1e6 / (calls / ROUNDS));
        }
        return least;
    }

    /** A 512 x 512 16-bit CT slice of the series. */
    private static DataSet slice(String study, String series, int number) {
        DataSet ds = SyntheticInstances.ct("BENCH", study, series, number, number);
        ds.setInt(Tag.Rows, VR.US, SIZE);
        ds.setInt(Tag.Columns, VR.US, SIZE);
        byte[] pixels = new byte[SIZE * SIZE * 2];
        for (int i = 0; i < pixels.length; i += 2) {
            int v = (i / 2 * 31 + number * 977) & 0x0FFF;
            pixels[i] = (byte) v;
            pixels[i + 1] = (byte) (v >> 8);
        }
        ds.setBytes(Tag.PixelData, VR.OW, pixels);
        return ds;
    }
}
