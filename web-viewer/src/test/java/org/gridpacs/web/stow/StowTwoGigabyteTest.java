package org.gridpacs.web.stow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A STOW-RS request of over 2 GB (2048 CT instances of 1 MiB of pixels each, generated as they are sent, chunked)
 * into an archive whose JVM has a 256 MiB heap: all stored, and as many instances in the index.
 */
@ProcessTest
class StowTwoGigabyteTest {
    private static final int INSTANCES = 2048;
    private static final int ROWS = 512;
    private static final int COLUMNS = 1024;

    @TempDir
    Path dir;

    @Test
    void aTwoGigabyteRequestIsStoredByAServerWithA256MegabyteHeap() throws Exception {
        Process server = new ProcessBuilder(javaCommand(), "-Xmx256m", "-cp", testClassPath(),
                StowServerMain.class.getName(), dir.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter in = new PrintWriter(server.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String port = expect(out, "PORT");
            String boundary = UUID.randomUUID().toString();
            GeneratedBody body = new GeneratedBody(boundary);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long t0 = System.nanoTime();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/dicom-web/studies"))
                    .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=\"" + boundary + "\"")
                    .header("Accept", "application/dicom+json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long nanos = System.nanoTime() - t0;
            assertEquals(200, r.statusCode(), r.body().length() > 2000 ? r.body().substring(0, 2000) : r.body());
            assertTrue(body.sent > 2_000_000_000L, body.sent + " bytes sent");
            assertEquals(INSTANCES, new ObjectMapper().readTree(r.body()).path("00081199").path("Value").size());
            in.println("count");
            assertEquals(String.valueOf(INSTANCES), expect(out, "COUNT"));
            in.println("heap");
            String heap = expect(out, "HEAP");
            double seconds = nanos / 1e9;
            System.out.printf("STOW-RS of %d instances, %d MB (chunked) into a 256 MiB heap: %.1f s, %.0f MB/s,"
                    + " %.0f instances/s; server peak heap %s MiB%n", INSTANCES, body.sent / 1_000_000, seconds,
                    body.sent / 1e6 / seconds, INSTANCES / seconds, heap);
        } finally {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static String expect(BufferedReader out, String key) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(key + " ")) {
                return line.substring(key.length() + 1).trim();
            }
        }
        throw new AssertionError("the server ended without printing " + key);
    }

    /** The multipart body, one instance made at a time as it is read. */
    private static final class GeneratedBody extends InputStream {
        private final String boundary;
        private final String study = Implementation.newUID();
        private final String series = Implementation.newUID();
        private final byte[] pixels = new byte[ROWS * COLUMNS * 2];
        private byte[] chunk = new byte[0];
        private int pos;
        private int made;
        long sent;

        GeneratedBody(String boundary) {
            this.boundary = boundary;
            new java.util.Random(11).nextBytes(pixels);
        }

        private boolean next() throws IOException {
            if (made > INSTANCES) {
                return false;
            }
            if (made == INSTANCES) {
                chunk = ("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
            } else {
                DataSet ds = SyntheticInstances.ct("BIG", study, series, made + 1, made);
                ds.setInt(Tag.Rows, VR.US, ROWS);
                ds.setInt(Tag.Columns, VR.US, COLUMNS);
                ds.setBytes(Tag.PixelData, VR.OW, pixels);
                byte[] head = ("--" + boundary + "\r\n" + StowBodies.DICOM_PART).getBytes(StandardCharsets.US_ASCII);
                byte[] file = StowBodies.part10(ds);
                chunk = new byte[head.length + file.length + 2];
                System.arraycopy(head, 0, chunk, 0, head.length);
                System.arraycopy(file, 0, chunk, head.length, file.length);
                chunk[chunk.length - 2] = '\r';
                chunk[chunk.length - 1] = '\n';
            }
            made++;
            pos = 0;
            return true;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (pos == chunk.length) {
                if (!next()) {
                    return -1;
                }
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            sent += n;
            return n;
        }
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Surefire may hand the forked JVM a manifest-only jar; its own property has the real class path. */
    private static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }
}
