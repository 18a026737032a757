package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.store.DuplicatePolicy;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.federation.export.Export;
import org.gridpacs.federation.export.ExportQueue;
import org.gridpacs.federation.export.Exports;
import org.gridpacs.federation.site.FederationSettings;
import org.gridpacs.gateway.cli.PacsCommand;
import org.gridpacs.http.HttpAccess;
import org.gridpacs.http.NodeHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * {@code pacs export} against a real HTTP server serving {@link FederationExportsHandler} over a real export queue
 * (H2): the refusals it prints, and the progress it follows to the end. Here the queue's progress is recorded by the
 * test where the node's sender would (the sending itself, over TLS to another site, is the federation module's
 * ExchangeTest).
 */
class ExportCommandTest {
    @TempDir
    Path dir;

    private IndexDatabase db;
    private NodeHttpServer http;
    private ExportQueue queue;
    private String study;

    record Result(int exitCode, String out, String err) {
    }

    @BeforeEach
    void node() throws Exception {
        Path conf = dir.resolve("federation.properties");
        String b = "federation.remote.b.", c = "federation.remote.c.";
        Files.writeString(conf, "federation.enabled = true\nfederation.site-name = SITE-A\nfederation.ae-title = FED-A\n"
                + b + "name = SITE-B\n" + b + "ae-title = FED-B\n" + b + "host = 127.0.0.1\n" + b + "port = 2\n"
                + b + "may-there = send\n"
                + c + "name = SITE-C\n" + c + "ae-title = FED-C\n" + c + "host = 127.0.0.1\n" + c + "port = 3\n"
                + c + "may-there = query\n");
        FederationSettings sites = FederationSettings.load(conf, dir);
        db = IndexDatabase.openH2(dir.resolve("index"), List.of(ExportQueue.SCHEMA));
        FileSystemStorage storage = new FileSystemStorage("a", dir.resolve("storage"));
        StoreService store = new StoreService(storage, new SqlInstanceIndex(db), DuplicatePolicy.REJECT);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(
                Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm")))) {
            DicomInputStream dis = new DicomInputStream(in);
            dis.readFileMetaInformation();
            String ts = dis.transferSyntax().uid();
            DataSet ds = dis.readDataSet();
            study = ds.getString(Tag.StudyInstanceUID);
            store.store(StoreRequest.of(ds, ts, "TEST"), ds);
        }
        queue = new ExportQueue(db);
        Exports exports = new Exports(queue, sites, new RetrieveService(new QueryService(db), Map.of("a", storage)),
                () -> { });
        http = new NodeHttpServer("127.0.0.1", 0).access(HttpAccess.LOOPBACK)
                .route(FederationExportsHandler.ROUTE, new FederationExportsHandler(() -> exports)).start();
    }

    @AfterEach
    void stop() {
        http.close();
        db.close();
    }

    private Result pacs(String... args) {
        CommandLine cl = PacsCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private String server() {
        return "http://127.0.0.1:" + http.port();
    }

    @Test
    void refusalsSayWhatIsWrong() {
        Result r = pacs("export", "--study", study, "--to", "SITE-X", "--server", server());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("pacs export: unknown site 'SITE-X': conf/federation.properties lists SITE-B,"
                + " SITE-C"), r.err());
        r = pacs("export", "--study", study, "--to", "SITE-C", "--server", server());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("we may not send to SITE-C: its federation.remote.c.may-there lacks send"), r.err());
        r = pacs("export", "--study", "1.2.3.999", "--to", "SITE-B", "--server", server());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("unknown study 1.2.3.999: not in this archive"), r.err());
        r = pacs("export", "--study", study, "--to", "SITE-B", "--deidentify", "basic+sepia", "--server", server());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("'sepia' in 'basic+sepia' is not a de-identification option"), r.err());
        r = pacs("export", "--to", "SITE-B");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--study"), r.err());
    }

    @Test
    void aNodeWithoutFederationSaysSo() throws Exception {
        try (RunningNode node = RunningNode.start(dir.resolve("node"))) {
            Result r = pacs("export", "--study", study, "--to", "SITE-B", "--server",
                    "http://127.0.0.1:" + node.archiveNode().httpPort());
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.err().contains("federation is off on this node"), r.err());
        }
    }

    @Test
    void followsTheExportToTheEndWithABar() throws Exception {
        Thread sender = new Thread(() -> {
            try {
                Export e = null;
                while (e == null) {
                    Thread.sleep(20);
                    List<Export> l = queue.list(1);
                    e = l.isEmpty() ? null : l.get(0);
                }
                // each state lasts ten polls, so that the bar shows it even on a loaded machine
                Thread.sleep(500);
                queue.retryLater(e.id(), "cannot connect to SITE-B", java.time.Instant.now());
                Thread.sleep(500);
                queue.sending(e.id(), 1);
                Thread.sleep(500);
                queue.instanceSent(e.id(), "1.2.3", "2.25.42");
                queue.done(e.id());
            } catch (Exception ex) {
                throw new RuntimeException(ex);
            }
        });
        sender.start();
        Result r = pacs("export", "--study", study, "--to", "b", "--deidentify", "basic", "--server", server(),
                "--poll-ms", "50");
        sender.join();
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Export 1: study " + study + " to SITE-B (basic), queued"), r.out());
        assertTrue(r.out().contains("Export 1 done: 1 instance(s) at SITE-B, de-identified (basic); the study is"
                + " 2.25.42 there"), r.out());
        assertTrue(r.err().contains("waiting (attempt 1 failed: cannot connect to SITE-B"), r.err());
        assertTrue(r.err().contains("[" + "#".repeat(30) + "] 1/1 DONE"), r.err());
    }
}
