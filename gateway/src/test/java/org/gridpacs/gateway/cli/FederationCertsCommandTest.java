package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;

import org.gridpacs.federation.site.FederationSettings;
import org.gridpacs.federation.site.SiteTls;
import org.gridpacs.federation.site.TrustEvents;
import org.gridpacs.pki.Certificates;
import org.gridpacs.pki.Pem;
import org.gridpacs.pki.RevocationLists;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pacs federation-certs}: two sites' files, each trusting the other, a revocation; no secret printed. */
class FederationCertsCommandTest {
    @TempDir
    Path tmp;

    private Path config(String site, String ae) throws Exception {
        Path f = tmp.resolve(site + ".properties");
        Files.writeString(f, Files.readString(Path.of("..", "conf", "federation.properties"))
                + "\nfederation.site-name = " + site + "\nfederation.ae-title = " + ae + "\n");
        return f;
    }

    private static Cli.Result run(Path config, Path runDir, String... more) {
        String[] args = new String[4 + more.length + 1];
        args[0] = "federation-certs";
        args[1] = "--config";
        args[2] = config.toString();
        args[3] = "--run-dir=" + runDir;
        System.arraycopy(more, 0, args, 4, more.length);
        args[args.length - 1] = "--days=30";
        return Cli.pacs(args);
    }

    @Test
    void twoSitesTrustEachOtherAndOneRevokes() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Path aConf = config("SITE-A", "FEDERATION");
        Path bConf = config("SITE-B", "FED-B");
        Cli.Result first = run(aConf, a, "--pem");
        assertEquals(0, first.exitCode(), first.toString());
        assertEquals(0, run(bConf, b).exitCode());
        Path tls = a.resolve("federation/tls");
        assertTrue(first.out().contains("Wrote " + tls.resolve("site-ca-key.p12") + ": the site CA"), first.out());
        assertTrue(first.out().contains("Wrote " + tls.resolve("gateway.p12") + ": the gateway's key store (CN=FEDERATION,O=SITE-A, 127.0.0.1 localhost"), first.out());
        // secrets: owner-only files, never on the console
        String password = Files.readAllLines(tls.resolve("password")).get(0);
        assertFalse((first.out() + first.err()).contains(password));
        assertFalse((first.out() + first.err()).contains("PRIVATE KEY"));
        for (String f : new String[] {"password", "site-ca-key.p12", "gateway.p12", "gateway-key.pem"}) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(f))), f);
        }

        // run again: everything kept
        byte[] gateway = Files.readAllBytes(tls.resolve("gateway.p12"));
        Cli.Result again = run(aConf, a);
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().contains("Kept  " + tls.resolve("gateway.p12")), again.out());
        assertArrayEquals(gateway, Files.readAllBytes(tls.resolve("gateway.p12")));

        // each trusts the other's CA
        Cli.Result imported = run(aConf, a, "--import-ca", b.resolve("federation/tls/site-ca.pem").toString(), "--alias",
                "site-b");
        assertEquals(0, imported.exitCode(), imported.toString());
        assertTrue(imported.out().contains("Trusted CN=SITE-B site CA"), imported.out());
        Cli.Result twice = run(aConf, a, "--import-ca", b.resolve("federation/tls/site-ca.pem").toString());
        assertTrue(twice.out().contains("already trusts"), twice.out());
        Cli.Result notCa = run(bConf, b, "--import-ca", tls.resolve("gateway.pem").toString());
        assertEquals(1, notCa.exitCode(), notCa.toString());
        assertTrue(notCa.err().contains("is not a CA certificate"), notCa.err());

        // the files load as the gateway loads them
        FederationSettings settings = FederationSettings.load(aConf, a);
        SiteTls.load(settings, TrustEvents.LOG);

        // revoke A's gateway certificate: the CRL lists it, and A's gateway no longer starts with it
        X509Certificate cert = Pem.readCertificates(tls.resolve("gateway.pem")).get(0);
        Cli.Result revoked = run(aConf, a, "--revoke", tls.resolve("gateway.pem").toString());
        assertEquals(0, revoked.exitCode(), revoked.toString());
        assertTrue(revoked.out().contains("Revoked certificate serial " + cert.getSerialNumber().toString(16)),
                revoked.out());
        assertTrue(RevocationLists.read(tls.resolve("crl.pem")).isRevoked(cert));
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> SiteTls.load(settings, TrustEvents.LOG));
        assertTrue(e.getMessage().contains("revoked"), e.getMessage());
        assertEquals("FEDERATION", Certificates.commonName(cert));
        assertEquals("SITE-A", Certificates.organisation(cert));

        // B cannot revoke A's certificate
        Cli.Result foreign = run(bConf, b, "--revoke", tls.resolve("gateway.pem").toString());
        assertEquals(1, foreign.exitCode(), foreign.toString());
        assertTrue(foreign.err().contains("was not issued by the site CA"), foreign.err());
    }

    @Test
    void usageErrors() throws Exception {
        Path conf = config("SITE-A", "FEDERATION");
        Cli.Result both = run(conf, tmp, "--revoke-serial", "1f", "--import-ca", "x.pem");
        assertEquals(2, both.exitCode(), both.toString());
        Cli.Result bad = run(conf, tmp, "--revoke-serial", "xyz");
        assertEquals(2, bad.exitCode(), bad.toString());
        Files.writeString(conf, "federation.ae-title = \n", java.nio.file.StandardOpenOption.APPEND);
        Cli.Result badConf = run(conf, tmp);
        assertEquals(1, badConf.exitCode(), badConf.toString());
        assertTrue(badConf.err().contains("federation.ae-title"), badConf.err());
    }
}
