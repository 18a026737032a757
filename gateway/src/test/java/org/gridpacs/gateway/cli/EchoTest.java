package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.Ports;

/** {@code pacs echo}, and how failures read for an administrator. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EchoTest {
    @TempDir
    Path tmp;

    @Test
    @ProcessTest
    void echoesStorescpAndPrintsTheRoundTripTime() throws Exception {
        int port = Ports.freePort();
        Process scp = Cli.startServer(port, tmp.resolve("storescp.log"), "storescp", "-od", tmp.toString(),
                String.valueOf(port));
        try {
            Cli.Result res = Cli.pacs("echo", "-c", "STORESCP@127.0.0.1:" + port, "--repeat", "2");
            assertEquals(0, res.exitCode(), res.toString());
            assertTrue(res.out().matches("(?s).*C-ECHO STORESCP@127\\.0\\.0\\.1:\\d+: 0x0000 Success, round trip "
                    + "[0-9.]+ ms.*round trip.*"), res.out());
        } finally {
            Cli.stop(scp);
        }
    }

    @Test
    void unreachablePortSaysCannotConnect() throws Exception {
        int port = Ports.freePort();
        Cli.Result res = Cli.pacs("echo", "-c", "NOBODY@127.0.0.1:" + port);
        assertEquals(1, res.exitCode(), res.toString());
        assertEquals("pacs echo: cannot connect to 127.0.0.1:" + port + ": Connection refused\n", res.err());
    }

    @Test
    void unknownHostSaysSo() {
        Cli.Result res = Cli.pacs("echo", "-c", "X@no-such-host.invalid:104");
        assertEquals(1, res.exitCode(), res.toString());
        assertTrue(res.err().contains("cannot connect to no-such-host.invalid:104: unknown host"), res.err());
    }

    @Test
    void rejectionGivesTheReason() throws Exception {
        try (Cli.Receiver r = new Cli.Receiver("RECV", tmp.resolve("in"))) {
            Cli.Result res = Cli.pacs("echo", "-c", "WRONG@127.0.0.1:" + r.port);
            assertEquals(1, res.exitCode(), res.toString());
            assertTrue(res.err().contains("WRONG at 127.0.0.1:" + r.port + " rejected the association: rejected "
                    + "(permanent) by DICOM UL service-user: called AE title not recognized"), res.err());
            Cli.Result ok = Cli.pacs("echo", "-c", "RECV@127.0.0.1:" + r.port, "-b", "ME");
            assertEquals(0, ok.exitCode(), ok.toString());
        }
    }

    @Test
    @ProcessTest
    void storescpRefusingGivesTheReason() throws Exception {
        int port = Ports.freePort();
        Process scp = Cli.startServer(port, tmp.resolve("storescp.log"), "storescp", "--refuse", String.valueOf(port));
        try {
            Cli.Result res = Cli.pacs("echo", "-c", "STORESCP@127.0.0.1:" + port);
            assertEquals(1, res.exitCode(), res.toString());
            assertTrue(res.err().contains("rejected the association: rejected (permanent) by DICOM UL service-user"),
                    res.err());
        } finally {
            Cli.stop(scp);
        }
    }

    @Test
    void badArgumentsAreUsageErrors() {
        Cli.Result noPort = Cli.pacs("echo", "-c", "PACS@host");
        assertEquals(2, noPort.exitCode(), noPort.toString());
        assertTrue(noPort.err().startsWith("pacs echo: Invalid value for option '--connect': no port in \"host\""),
                noPort.err());
        assertTrue(noPort.err().contains("Try 'pacs echo --help'"), noPort.err());

        Cli.Result missing = Cli.pacs("echo");
        assertEquals(2, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("Missing required option: '--connect=AET@HOST:PORT'"), missing.err());

        Cli.Result unknown = Cli.pacs("echo", "-c", "A@h:1", "--frobnicate");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("Unknown option: '--frobnicate'"), unknown.err());

        Cli.Result longAet = Cli.pacs("echo", "-c", "A@h:1", "-b", "THIS-IS-TOO-LONG-AET");
        assertEquals(2, longAet.exitCode(), longAet.toString());
        assertTrue(longAet.err().contains("longer than 16 characters"), longAet.err());

        Cli.Result badPdu = Cli.pacs("echo", "-c", "A@h:1", "--max-pdu", "12");
        assertEquals(2, badPdu.exitCode(), badPdu.toString());
        assertTrue(badPdu.err().contains("--max-pdu must be between 4096"), badPdu.err());
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : new String[] {"echo", "store", "find", "move", "get", "receive", "dump"}) {
            Cli.Result res = Cli.pacs(cmd, "--help");
            assertEquals(0, res.exitCode(), res.toString());
            assertTrue(res.out().startsWith("Usage: pacs " + cmd), res.out());
        }
        Cli.Result top = Cli.pacs("--help");
        assertEquals(0, top.exitCode());
        assertTrue(top.out().contains("receive"), top.out());
    }
}
