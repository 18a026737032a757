package org.gridpacs.federation.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.dimse.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The federation port as the gateway starts it: off without the file or when disabled, else trusted sites only. */
class FederationPortTest {
    @TempDir
    Path tmp;

    @Test
    void offUnlessEnabledThenOnWithItsFiles() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Path run = tmp.resolve("var");
        assertNull(FederationPort.startIfEnabled(conf, run, NetworkSettings.DEFAULT, TrustEvents.LOG));
        Files.copy(Path.of("..", "conf", "federation.properties"), conf.resolve(FederationPort.FILE));
        assertNull(FederationPort.startIfEnabled(conf, run, NetworkSettings.DEFAULT, TrustEvents.LOG));

        Files.writeString(conf.resolve(FederationPort.FILE), "federation.enabled = true\nfederation.port = 0\n",
                java.nio.file.StandardOpenOption.APPEND);
        IOException noFiles = assertThrows(IOException.class,
                () -> FederationPort.startIfEnabled(conf, run, NetworkSettings.DEFAULT, TrustEvents.LOG));
        assertTrue(noFiles.getMessage().contains("pacs federation-certs"), noFiles.getMessage());

        // this site's files where the shipped settings say, and a site B it trusts and lists
        TestSite a = new TestSite(run, "GridPACS", "FEDERATION");
        TestSite b = new TestSite(tmp.resolve("b"), "SITE-B", "FED-B");
        a.certificates().importCa(b.caPem(), "site-b");
        b.certificates().importCa(a.caPem(), "site-a");
        Files.writeString(conf.resolve(FederationPort.FILE), TestSite.remote("b", b, 1),
                java.nio.file.StandardOpenOption.APPEND);
        try (FederationAcceptor acceptor = FederationPort.startIfEnabled(conf, run, NetworkSettings.DEFAULT,
                TrustEvents.LOG)) {
            FederationSettings bs = b.settings(TestSite.remote("a", a, acceptor.port()));
            FederationConnector c = new FederationConnector(SiteTls.load(bs, b.events), NetworkSettings.DEFAULT);
            try (Association as = c.connectForEcho(bs.remote("a").orElseThrow())) {
                assertEquals(Status.SUCCESS, as.echo().status());
                as.release();
            }
        }
    }
}
