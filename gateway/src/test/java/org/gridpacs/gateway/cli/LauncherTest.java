package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.dicom.testutil.Instances;

/** scripts/pacs as an administrator runs it: from any folder, stopped by a signal. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ProcessTest
class LauncherTest {
    @TempDir
    Path tmp;

    private ProcessBuilder pacs(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = Cli.LAUNCHER.toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        // from an unrelated folder: the script finds the repository from its own location
        return new ProcessBuilder(cmd).directory(tmp.toFile());
    }

    @Test
    void runsFromAnyFolderWithTheExitStatusOfTheCommand() throws Exception {
        Process help = pacs("--help").redirectErrorStream(true).start();
        String out = new String(help.getInputStream().readAllBytes());
        assertTrue(help.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, help.exitValue(), out);
        assertTrue(out.startsWith("Usage: pacs"), out);

        Process bad = pacs("echo", "-c", "A@localhost:1", "--no-such-option").redirectErrorStream(true).start();
        String err = new String(bad.getInputStream().readAllBytes());
        assertTrue(bad.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, bad.exitValue(), err);
        assertTrue(err.contains("pacs echo: Unknown option: '--no-such-option'"), err);
    }

    @Test
    void receiveRunsUntilSigterm() throws Exception {
        int port = Ports.freePort();
        Path in = tmp.resolve("in");
        File log = tmp.resolve("receive.log").toFile();
        Process p = pacs("receive", "-b", "RECV:" + port, "--directory", in.toString())
                .redirectErrorStream(true).redirectOutput(log).start();
        try {
            Ports.awaitPort(null, port, 20_000);
            Path ct = Cli.testFile("CT_small.dcm");
            Cli.Result res = Cli.run(20, "storescu", "-aec", "RECV", "127.0.0.1", String.valueOf(port), ct.toString());
            assertEquals(0, res.exitCode(), res.toString());
            assertTrue(Files.isRegularFile(in.resolve(Instances.read(ct).sopInstanceUID() + ".dcm")));
        } finally {
            p.destroy(); // SIGTERM: the shutdown hook closes the server
        }
        assertTrue(p.waitFor(15, TimeUnit.SECONDS), "pacs receive did not stop on SIGTERM");
        String output = Files.readString(log.toPath());
        assertEquals(143, p.exitValue(), output); // 128 + SIGTERM: the JVM's status when a signal ends it
        assertTrue(output.contains("INFO  Receiving as RECV on port " + port), output);
        assertTrue(output.contains("INFO  Stopped after receiving 1 instances"), output);
    }
}
