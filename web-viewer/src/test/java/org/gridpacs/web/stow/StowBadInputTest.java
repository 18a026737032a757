package org.gridpacs.web.stow;

import static org.gridpacs.web.stow.StowBodies.json;
import static org.gridpacs.web.stow.StowBodies.multipart;
import static org.gridpacs.web.stow.StowBodies.part10;
import static org.gridpacs.web.stow.StowBodies.post;
import static org.gridpacs.web.stow.StowRsTest.assertNoLeftovers;
import static org.gridpacs.web.stow.StowRsTest.instances;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.gridpacs.web.WebTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken STOW-RS requests: each answered with its status and a reason, nothing of the broken part stored (no index
 * row, no file, no partial file), and the server still serving (every test ends with a request that succeeds).
 */
class StowBadInputTest {
    @TempDir
    Path dir;
    WebTestServer s;
    final String b = UUID.randomUUID().toString();
    final String contentType = "multipart/related; type=\"application/dicom\"; boundary=\"" + b + "\"";
    /** Instances the test expects in the archive before the last, good request. */
    int expected;

    @BeforeEach
    void start() throws Exception {
        s = new WebTestServer(dir);
    }

    @AfterEach
    void stillServing() throws Exception {
        assertNoLeftovers(s, expected);
        HttpResponse<String> r = post(s, "/dicom-web/studies", contentType,
                multipart(b, List.of(part10(SyntheticInstances.ct("AFTER")))));
        assertEquals(200, r.statusCode(), "the request after: " + r.body());
        assertNoLeftovers(s, expected + 1);
        s.close();
    }

    private HttpResponse<String> refused(int status, byte[] body, String reason) throws Exception {
        HttpResponse<String> r = post(s, "/dicom-web/studies", contentType, body);
        assertEquals(status, r.statusCode(), r.body());
        String said = r.body() + r.headers().allValues("Warning");
        assertTrue(said.contains(reason), "expected '" + reason + "' in " + said);
        return r;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            bos.writeBytes(p);
        }
        return bos.toByteArray();
    }

    /** A CT with 8 MiB of pixels: the store is writing its file when the body breaks. */
    private static DataSet large() {
        DataSet ds = SyntheticInstances.ct("LARGE");
        ds.setInt(Tag.Rows, VR.US, 2048);
        ds.setInt(Tag.Columns, VR.US, 2048);
        byte[] pixels = new byte[2048 * 2048 * 2];
        new Random(7).nextBytes(pixels);
        ds.setBytes(Tag.PixelData, VR.OW, pixels);
        return ds;
    }

    @Test
    void emptyBody() throws Exception {
        refused(400, new byte[0], "empty");
    }

    @Test
    void garbageThatIsNotMultipart() throws Exception {
        byte[] garbage = new byte[100_000];
        new Random(3).nextBytes(garbage);
        refused(400, garbage, "not multipart");
    }

    @Test
    void noPartAtAll() throws Exception {
        refused(400, ascii("--" + b + "--\r\n"), "no part");
    }

    @Test
    void theBodyEndsWithoutAClosingDelimiter() throws Exception {
        byte[] part = part10(SyntheticInstances.ct("NOCLOSE"));
        // the part's content runs to the end of the body: it may be cut short, and is not stored
        refused(400, concat(ascii("--" + b + "\r\n" + StowBodies.DICOM_PART), part, ascii("\r\n")), "truncated");
    }

    @Test
    void aCompletePartBeforeTheBodyBreaksIsStoredAndTheAnswerSays202() throws Exception {
        DataSet ds = SyntheticInstances.ct("FIRST");
        byte[] body = concat(ascii("--" + b + "\r\n" + StowBodies.DICOM_PART), part10(ds),
                ascii("\r\n--" + b + "\r\nContent-Type: application/dicom\r\n\r\n"), part10(large()), new byte[0]);
        body = Arrays.copyOf(body, body.length - 4_000_000); // the second part is cut in the middle
        HttpResponse<String> r = refused(202, body, "truncated");
        assertEquals(ds.getString(Tag.SOPInstanceUID),
                json(r).path("00081199").path("Value").get(0).path("00081155").path("Value").get(0).asText());
        assertEquals(1, json(r).path("00081198").path("Value").size()); // the cut one, with its UIDs from its meta
        expected = 1;
    }

    @Test
    void aNonDicomPart() throws Exception {
        refused(400, multipart(b, List.of(ascii("this is a text, not a DICOM file"))), "not a DICOM Part 10 file");
    }

    @Test
    void aNonDicomPartBesideAGoodOne() throws Exception {
        DataSet ds = SyntheticInstances.ct("GOOD");
        HttpResponse<String> r = refused(202, multipart(b, List.of(new byte[5000], part10(ds))), "part 1");
        var failed = json(r).path("00081198").path("Value");
        assertEquals(1, failed.size());
        assertEquals(0xC000, failed.get(0).path("00081197").path("Value").get(0).asInt());
        assertEquals(1, json(r).path("00081199").path("Value").size());
        expected = 1;
    }

    @Test
    void aPartWithoutThePreambleAndDicm() throws Exception {
        ByteArrayOutputStream bare = new ByteArrayOutputStream();
        DicomOutputStream out = new DicomOutputStream(bare);
        out.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        out.writeDataSet(SyntheticInstances.ct("BARE"));
        out.finish();
        refused(400, multipart(b, List.of(bare.toByteArray())), "DICM");
    }

    @Test
    void aDataSetCutShortInsideAWellFramedPart() throws Exception {
        byte[] whole = part10(large());
        refused(400, multipart(b, List.of(Arrays.copyOf(whole, whole.length / 2))), "cannot be read");
    }

    @Test
    void contentLengthLargerThanWhatIsSent() throws Exception {
        byte[] body = multipart(b, List.of(part10(large())));
        byte[] sent = Arrays.copyOf(body, body.length / 2);
        try (Socket socket = new Socket("127.0.0.1", port())) {
            OutputStream out = socket.getOutputStream();
            out.write(ascii("POST /dicom-web/studies HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n"));
            out.write(sent);
            out.flush();
            socket.shutdownOutput(); // the client sends nothing more: the body ends early
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            assertTrue(answer.contains("could not be read") || answer.contains("truncated"), answer);
        }
    }

    @Test
    void theClientGoesAwayInTheMiddleOfAChunkedPart() throws Exception {
        byte[] body = multipart(b, List.of(part10(SyntheticInstances.ct("ONE")), part10(large())));
        try (Socket socket = new Socket("127.0.0.1", port())) {
            OutputStream out = socket.getOutputStream();
            out.write(ascii("POST /dicom-web/studies HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n"));
            int half = body.length / 2;
            for (int off = 0; off < half; off += 65536) {
                int n = Math.min(65536, half - off);
                out.write(ascii(Integer.toHexString(n) + "\r\n"));
                out.write(body, off, n);
                out.write(ascii("\r\n"));
            }
            out.flush();
            // wait until the server has stored the first part and is writing the second
            waitFor(() -> instances(s) == 1);
        } // closed: a reset or FIN in the middle of the second part
        expected = 1;
        // the server notices, removes the partial file; give it the time to do so
        waitFor(() -> partialFiles() == 0 && files() == 1);
    }

    private int port() {
        return Integer.parseInt(s.origin().substring(s.origin().lastIndexOf(':') + 1));
    }

    private long files() throws IOException {
        if (!Files.exists(s.storage.root())) {
            return 0;
        }
        try (Stream<Path> w = Files.walk(s.storage.root())) {
            return w.filter(Files::isRegularFile).count();
        }
    }

    private long partialFiles() throws IOException {
        if (!Files.exists(s.storage.root())) {
            return 0;
        }
        try (Stream<Path> w = Files.walk(s.storage.root())) {
            return w.filter(f -> f.getFileName().toString().endsWith(".part")).count();
        }
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    private static void waitFor(Condition c) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!c.holds()) {
            assertFalse(System.nanoTime() > deadline, "condition not reached in 10 s");
            Thread.sleep(20);
        }
    }
}
