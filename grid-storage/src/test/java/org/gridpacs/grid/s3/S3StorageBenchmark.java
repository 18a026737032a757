package org.gridpacs.grid.s3;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: upload rate and ranged-read latency of the s3: storage against s3proxy on loopback, and the AWS
 * CLI's upload of the same bytes to the same server, in the same run. {@code -Dtest=S3StorageBenchmark -Dgrid.bench=true}.
 */
@ProcessTest
@EnabledIfSystemProperty(named = "grid.bench", matches = "true")
class S3StorageBenchmark {

    @Test
    void measure(@TempDir Path dir) throws Exception {
        int size = 100 * 1000 * 1000;
        byte[] content = GridFixture.bytes(size, 5);
        try (GridFixture grid = new GridFixture(dir);
             S3StorageProvider provider = new S3StorageProvider(grid.settings(), grid.ring(null))) {
            Storage storage = grid.storage(provider, "bench");
            storage.create(GridFixture.writing(GridFixture.bytes(10_000_000, 1))); // warm up
            double[] up = new double[3];
            StoredObject o = null;
            for (int i = 0; i < up.length; i++) {
                long t0 = System.nanoTime();
                o = storage.create(GridFixture.writing(content));
                up[i] = size / 1e6 / ((System.nanoTime() - t0) / 1e9);
            }
            long t0 = System.nanoTime();
            try (InputStream in = storage.open(o.key())) {
                in.transferTo(OutputStreamNull.INSTANCE);
            }
            double down = size / 1e6 / ((System.nanoTime() - t0) / 1e9);
            Random r = new Random(1);
            double[] lat = new double[200];
            for (int i = 0; i < lat.length; i++) {
                long off = (long) (r.nextDouble() * (size - 20_000));
                long s = System.nanoTime();
                try (InputStream in = storage.openRange(o.key(), off, 16_384)) {
                    in.readAllBytes();
                }
                lat[i] = (System.nanoTime() - s) / 1e6;
            }
            Arrays.sort(lat);
            System.out.printf("BENCH s3 storage: upload of 100 MB %s MB/s, whole read %.0f MB/s, 16 KiB ranged"
                    + " read median %.2f ms p95 %.2f ms%n", Arrays.toString(Arrays.stream(up)
                    .mapToLong(Math::round).toArray()), down, lat[lat.length / 2], lat[lat.length * 95 / 100]);
            Path file = dir.resolve("plain.bin");
            Files.write(file, content);
            for (int i = 0; i < 3; i++) {
                ProcessBuilder pb = new ProcessBuilder("aws", "--endpoint-url", grid.server.endpoint().toString(),
                        "s3", "cp", "--quiet", file.toString(), "s3://" + GridFixture.BUCKET + "/cli/plain" + i + ".bin")
                        .redirectErrorStream(true).redirectOutput(dir.resolve("aws.log").toFile());
                pb.environment().put("AWS_ACCESS_KEY_ID", GridFixture.IDENTITY);
                pb.environment().put("AWS_SECRET_ACCESS_KEY", GridFixture.CREDENTIAL);
                pb.environment().put("AWS_DEFAULT_REGION", "us-east-1");
                long s = System.nanoTime();
                int rc;
                try {
                    rc = pb.start().waitFor();
                } catch (java.io.IOException e) {
                    System.out.println("BENCH aws CLI: not here (" + e.getMessage() + ")");
                    break;
                }
                System.out.printf("BENCH aws s3 cp of 100 MB: %.0f MB/s (exit %d)%n",
                        size / 1e6 / ((System.nanoTime() - s) / 1e9), rc);
            }
        }
    }

    private static final class OutputStreamNull extends java.io.OutputStream {
        static final OutputStreamNull INSTANCE = new OutputStreamNull();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
