package org.gridpacs.federation.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conf/federation.properties: the shipped file, a full file, and bad files rejected with the key named. */
class FederationSettingsTest {
    private static final Path RUN = Path.of("/srv/run");

    @TempDir
    Path tmp;

    private static FederationSettings parse(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return SitesParser.parse(p, RUN);
    }

    private static String error(String text) {
        return assertThrows(IllegalArgumentException.class, () -> parse(text)).getMessage();
    }

    @Test
    void theShippedFileIsOffWithNoRemoteSite() throws Exception {
        FederationSettings s = FederationSettings.load(Path.of("..", "conf", "federation.properties"), RUN);
        assertFalse(s.enabled());
        assertEquals("FEDERATION", s.aeTitle());
        assertEquals("127.0.0.1", s.bindAddress());
        assertEquals(List.of(), s.remotes());
        assertEquals(RUN.resolve("federation/tls/gateway.p12"), s.tls().keyStore());
        assertEquals(List.of(RUN.resolve("federation/tls/crl.pem")), s.tls().allCrls());
    }

    @Test
    void aFullFile() throws Exception {
        FederationSettings s = parse("""
                federation.enabled = true
                federation.site-name = St. Mary Hospital
                federation.ae-title = FED
                federation.port = 2762
                federation.tls.remote-crls = b-crl.pem, /etc/national.crl
                federation.remote.b.name = SITE-B
                federation.remote.b.ae-title = FED-B
                federation.remote.b.host = pacs.site-b.example
                federation.remote.b.port = 12762
                federation.remote.b.issuer = CN=SITE-B CA, O=SITE-B
                federation.remote.b.may-here = query, RETRIEVE
                federation.remote.b.may-there = query,retrieve,send
                federation.remote.orthanc.name = Orthanc
                federation.remote.orthanc.ae-title = ORTHANC
                federation.remote.orthanc.host = 127.0.0.1
                federation.remote.orthanc.port = 4243
                """);
        assertTrue(s.enabled());
        assertEquals("St. Mary Hospital", s.siteName());
        assertEquals(2762, s.port());
        assertEquals(List.of(RUN.resolve("federation/tls/crl.pem"), RUN.resolve("b-crl.pem"), Path.of("/etc/national.crl")),
                s.tls().allCrls());
        RemoteSite b = s.remoteByAeTitle("FED-B").orElseThrow();
        assertEquals("SITE-B", b.name());
        assertEquals(12762, b.port());
        assertEquals(Set.of(Permission.QUERY, Permission.RETRIEVE), b.allowedHere());
        assertEquals(Set.of(Permission.values()), b.allowedThere());
        assertEquals(new javax.security.auth.x500.X500Principal("CN=SITE-B CA, O=SITE-B"), b.issuer());
        RemoteSite o = s.remote("orthanc").orElseThrow();
        assertEquals(Set.of(), o.allowedHere()); // nothing unless said
        assertFalse(o.mayThere(Permission.QUERY));
        assertTrue(s.remoteByAeTitle("PACS").isEmpty());
    }

    @Test
    void badFilesNameTheKey() {
        String b = "federation.remote.b.name = SITE-B\nfederation.remote.b.ae-title = FED-B\n"
                + "federation.remote.b.host = h\nfederation.remote.b.port = 1\n";
        assertTrue(error("federation.enabled = yes").startsWith("federation.enabled: 'yes'"));
        assertTrue(error("federation.ae-title = A\\\\B").startsWith("federation.ae-title:"));
        assertTrue(error("federation.ae-title = SEVENTEEN-CHARSXX").startsWith("federation.ae-title:"));
        assertTrue(error("federation.port = 70000").startsWith("federation.port: '70000'"));
        assertTrue(error("federation.tls.keystore = x").startsWith("federation.tls.keystore: unknown setting"));
        assertTrue(error("federation.tls.key-store =").startsWith("federation.tls.key-store: missing"));
        assertTrue(error(b.replace("federation.remote.b.host = h\n", "")).startsWith("federation.remote.b.host: missing"));
        assertTrue(error(b + "federation.remote.b.may-here = query, delete")
                .startsWith("federation.remote.b.may-here: 'delete' is not a permission"));
        assertTrue(error(b + "federation.remote.b.mayhere = query").startsWith("federation.remote.b.mayhere: unknown"));
        assertTrue(error(b + "federation.remote.b.issuer = not a name").startsWith("federation.remote.b.issuer:"));
        assertTrue(error(b.replace("port = 1", "port = 0")).startsWith("federation.remote.b.port: '0'"));
        assertTrue(error(b + b.replace(".b.", ".c.").replace("SITE-B", "SITE-C"))
                .startsWith("federation.remote.c.ae-title: FED-B is already"));
        assertTrue(error(b + "federation.site-name = SITE-B").startsWith("federation.remote.b.name: SITE-B is already "
                + "this site's name"));
    }

    @Test
    void aMissingFileIsNamed() {
        IOException e = assertThrows(IOException.class, () -> FederationSettings.load(tmp.resolve("nope"), RUN));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void theLoadErrorNamesFileAndKey() throws Exception {
        Path f = tmp.resolve("federation.properties");
        Files.writeString(f, "federation.port = x\n");
        IOException e = assertThrows(IOException.class, () -> FederationSettings.load(f, RUN));
        assertEquals(f + ": federation.port: 'x' is not a TCP port (1 to 65535)", e.getMessage());
    }
}
