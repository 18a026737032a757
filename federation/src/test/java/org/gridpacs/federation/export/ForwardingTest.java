package org.gridpacs.federation.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.gridpacs.archive.index.StoredHeaders;
import org.gridpacs.archive.store.NotifyingStore;
import org.gridpacs.archive.store.StoreListeners;
import org.gridpacs.federation.site.FederationSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Forwarding rules: parsed with clear errors; a matching study is queued once, after it has been quiet, and sent. */
class ForwardingTest {
    @TempDir
    Path tmp;

    private static ExportSettings parse(FederationSettings sites, String text) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return ExportSettings.parse(p, Path.of("/run"), sites);
    }

    @Test
    void rulesAreCheckedAgainstTheSites() throws Exception {
        FederationSettings sites = TwoSites.settings(tmp.resolve("s"), "SITE-A", "FED-A", 0,
                TwoSites.remote("b", "SITE-B", "FED-B", 1, "query", "send")
                        + TwoSites.remote("c", "SITE-C", "FED-C", 2, "query", "query"));
        ExportSettings s = parse(sites, "federation.forward.1.match = InstitutionName=St Elsewhere*; Modality=CT\n"
                + "federation.forward.1.to = b\nfederation.forward.quiet-seconds = 30\n");
        assertEquals(1, s.rules().size());
        assertEquals("SITE-B", s.rules().get(0).to());
        assertEquals("basic", s.rules().get(0).profile().name(), "de-identified unless the rule says none");
        assertEquals(Duration.ofSeconds(30), s.quiet());
        assertEquals(Path.of("/run/federation/export-secret"), s.secretFile());
        assertEquals(Duration.ofSeconds(5), s.backoff(1));
        assertEquals(Duration.ofSeconds(10), s.backoff(2));
        assertEquals(Duration.ofSeconds(600), s.backoff(40));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(sites,
                "federation.forward.1.match = InstitutionName=X\nfederation.forward.1.to = SITE-C\n"));
        assertTrue(e.getMessage().startsWith("federation.forward.1.to: we may not send to SITE-C"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse(sites,
                "federation.forward.1.match = InstitutionNam=X\nfederation.forward.1.to = b\n"));
        assertTrue(e.getMessage().contains("'InstitutionNam' is not a DICOM attribute keyword"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse(sites,
                "federation.forward.1.match = InstitutionName=X\nfederation.forward.1.to = nowhere\n"));
        assertTrue(e.getMessage().startsWith("federation.forward.1.to: 'nowhere' is not a remote site"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse(sites,
                "federation.forward.1.match = InstitutionName=X\nfederation.forward.1.to = b\n"
                        + "federation.forward.1.deidentify = basic+whatever\n"));
        assertTrue(e.getMessage().startsWith("federation.forward.1.deidentify: 'whatever'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse(sites, "federation.forward.1.too = b\n"));
        assertTrue(e.getMessage().startsWith("federation.forward.1.too: unknown setting"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse(sites, "federation.export.retry = 3\n"));
        assertTrue(e.getMessage().startsWith("federation.export.retry: unknown setting"), e.getMessage());
    }

    @Test
    void aMatchingStudyIsForwardedOnceAfterItWasQuiet() throws Exception {
        RtStudy study = RtStudy.load();
        try (TwoSites s = new TwoSites(tmp, "send", "");
             StoreListeners listeners = new StoreListeners()) {
            ExportSettings settings = parse(s.aSettings,
                    "federation.forward.1.match = InstitutionName=St Elsewhere*; ReferringPhysicianName=HOUSE^*\n"
                            + "federation.forward.1.to = SITE-B\nfederation.forward.1.deidentify = basic\n"
                            + "federation.forward.2.match = InstitutionName=Elsewhere\nfederation.forward.2.to = b\n"
                            + "federation.forward.quiet-seconds = 1\n");
            settings = ExportSettings.of(tmp.resolve("secret"), Duration.ofMillis(200), Duration.ofMillis(500),
                    Duration.ofMillis(500), settings.rules());
            s.startB();
            s.sender = s.newSender(settings).start();
            ExportSender sender = s.sender;
            try (Forwarding forwarding = new Forwarding(s.queue, new StoredHeaders(s.aDb), s.aSettings, settings,
                    sender::wake).start()) {
                listeners.add(forwarding);
                study.storeInto(new NotifyingStore(s.aStore, listeners, "A"));
                long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                List<Export> exports = s.queue.list(10);
                while ((exports.isEmpty() || exports.get(0).state() != ExportState.DONE) && System.nanoTime() < end) {
                    Thread.sleep(50);
                    exports = s.queue.list(10);
                }
                assertEquals(1, exports.size(), "rule 1 matches, rule 2 (no wildcard) does not: " + exports);
                Export e = exports.get(0);
                assertEquals(ExportState.DONE, e.state());
                assertEquals("rule 1", e.origin());
                assertEquals("basic", e.profile());
                assertEquals(4, s.bInstances());

                // stored again (a resend of the same study): noted, but the rule's export is made once
                study.storeInto(new NotifyingStore(s.aStore, listeners, "A"));
                Thread.sleep(1500);
                assertEquals(1, s.queue.list(10).size());
                assertEquals(4, s.bStores.size());
            }
        }
    }
}
