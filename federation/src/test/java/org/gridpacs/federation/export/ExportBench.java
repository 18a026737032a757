package org.gridpacs.federation.export;

import java.nio.file.Files;
import java.nio.file.Path;

import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.testutil.SyntheticInstances;

/**
 * What an export costs end to end (not a test: no timed assertions): N synthetic CT instances (512x512, 16 bit)
 * of one study exported from site A to site B on loopback over mutual TLS, as stored and then de-identified
 * (basic) ({@code -Dprofiles=basic,none} for the other order: the first of a JVM pays the warm-up), elapsed time
 * from queued to DONE, both sites in this JVM (B's store and index included).
 * <pre>
 * mvn -q -o -pl federation -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp "federation/target/test-classes:federation/target/classes:$(cat federation/target/test-classpath.txt)" \
 *     org.gridpacs.federation.export.ExportBench 200
 * </pre>
 */
public final class ExportBench {
    private ExportBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path dir = Files.createTempDirectory("export-bench");
        String study = "1.2.826.0.1.3680043.2.1143.9." + System.nanoTime();
        try (TwoSites s = new TwoSites(dir, "send", "")) {
            long bytes = 0;
            for (int i = 1; i <= n; i++) {
                DataSet ct = SyntheticInstances.ct("BENCH-1", study, study + ".1", i, i);
                // a real CT slice's size: 512 x 512, 16 bit
                byte[] pixels = new byte[512 * 512 * 2];
                new java.util.Random(i).nextBytes(pixels);
                ct.setInt(org.gridpacs.dicom.data.Tag.Rows, org.gridpacs.dicom.data.VR.US, 512);
                ct.setInt(org.gridpacs.dicom.data.Tag.Columns, org.gridpacs.dicom.data.VR.US, 512);
                ct.setBytes(org.gridpacs.dicom.data.Tag.PixelData, org.gridpacs.dicom.data.VR.OW, pixels);
                s.aStore.store(StoreRequest.of(ct, UID.ExplicitVRLittleEndian, "BENCH"), ct);
                bytes += ct.getBytes(org.gridpacs.dicom.data.Tag.PixelData) == null ? 0
                        : ct.getBytes(org.gridpacs.dicom.data.Tag.PixelData).length;
            }
            s.startB();
            s.sender = s.newSender().start();
            Exports exports = new Exports(s.queue, s.aSettings, s.aRetrieve, s.sender::wake);
            for (String profile : System.getProperty("profiles", "none,basic").split(",")) {
                long t0 = System.nanoTime();
                Export e = exports.request(study, "SITE-B", profile);
                while (s.queue.get(e.id()).orElseThrow().state() != ExportState.DONE) {
                    Thread.sleep(10);
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("%-6s %d instances (%.1f MB of pixels) in %.2f s: %.0f instances/s, %.1f MB/s%n",
                        profile, n, bytes / 1e6, secs, n / secs, bytes / 1e6 / secs);
            }
        }
        System.out.println("(temporary files in " + dir + ")");
    }
}
