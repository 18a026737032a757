package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.Instances;

/** The TLS options: our sender and our receiver authenticating each other with a self-signed certificate. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTest {
    @TempDir
    Path tmp;

    @Test
    @ProcessTest
    void storesOverMutualTls() throws Exception {
        Path ks = tmp.resolve("pacs.p12");
        Path cert = tmp.resolve("pacs.crt");
        Path ts = tmp.resolve("trust.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "pacs", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "secret");
        run(keytool, "-exportcert", "-alias", "pacs", "-keystore", ks.toString(), "-storepass", "secret",
                "-file", cert.toString());
        run(keytool, "-importcert", "-noprompt", "-alias", "ca", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", ts.toString(), "-storepass", "secret");
        String[] tls = {"--tls-keystore", ks.toString(), "--tls-truststore", ts.toString(), "--tls-password", "secret"};

        Path in = tmp.resolve("in");
        try (Cli.Receiver r = new Cli.Receiver("RECV", in, tls)) {
            Path ct = Cli.testFile("CT_small.dcm");
            String[] store = concat(new String[] {"store", "-c", "RECV@127.0.0.1:" + r.port, ct.toString()}, tls);
            Cli.Result res = Cli.pacs(store);
            assertEquals(0, res.exitCode(), res.toString());
            Instances.assertSameInstance(ct, in.resolve(Instances.read(ct).sopInstanceUID() + ".dcm"), true);

            // a client without TLS does not get in, and does not hang either
            Cli.Result plain = Cli.pacs("echo", "-c", "RECV@127.0.0.1:" + r.port, "--connect-timeout", "3000");
            assertEquals(1, plain.exitCode(), plain.toString());
        }
    }

    @Test
    void missingKeyStoreIsReported() {
        Cli.Result res = Cli.pacs("echo", "-c", "A@127.0.0.1:1", "--tls-keystore", tmp.resolve("nope.p12").toString(),
                "--tls-truststore", tmp.resolve("nope.p12").toString(), "--tls-password", "x");
        assertEquals(1, res.exitCode(), res.toString());
        assertTrue(res.err().contains("nope.p12"), res.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = new String[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static void run(String... cmd) throws Exception {
        Cli.Result r = Cli.run(30, cmd);
        assertEquals(0, r.exitCode(), r.toString());
    }
}
