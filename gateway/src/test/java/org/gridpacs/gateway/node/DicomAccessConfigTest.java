package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DICOM port serves this machine only unless the administrator opens it (dicom.bindAddress): the node's
 * default, the shipped conf/node.properties, and HAProxy's DICOM entry as scripts/cluster writes it.
 */
class DicomAccessConfigTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    @TempDir
    Path dir;

    @Test
    void loopbackByDefaultAndInTheShippedConfiguration() throws IOException {
        assertEquals("127.0.0.1", NodeConfig.from(new Properties(), dir.resolve("data"), dir).bindAddress());
        Properties shipped = new Properties();
        try (FileReader r = new FileReader(ROOT.resolve("conf/node.properties").toFile(), StandardCharsets.UTF_8)) {
            shipped.load(r);
        }
        assertEquals("127.0.0.1", NodeConfig.from(shipped, dir.resolve("data"), ROOT.resolve("conf")).bindAddress());
    }

    @Test
    void haproxyDicomEntryFollowsTheNodesBindAddressUnlessBindIsGiven() throws Exception {
        assertEquals("bind 127.0.0.1:11112", dicomBind(List.of()));
        Path open = dir.resolve("node.properties");
        Files.writeString(open, "dicom.bindAddress = 0.0.0.0\nsecurity.acceptUnknownCallers = false\n");
        assertEquals("bind 0.0.0.0:11112", dicomBind(List.of("--config", open.toString())));
        assertEquals("bind 127.0.0.2:11112", dicomBind(List.of("--config", open.toString(), "--bind", "127.0.0.2")));
    }

    /** The bind line of the "dicom" frontend that {@code scripts/cluster haproxy-config} writes. */
    private String dicomBind(List<String> options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("scripts/cluster").toString(), "haproxy-config",
                "--data", dir.resolve("run").toString(), "--socket", dir.resolve("haproxy.sock").toString()));
        cmd.addAll(options);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String config = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), config);
        boolean inDicom = false;
        for (String line : config.split("\n")) {
            if (!line.startsWith(" ") && !line.startsWith("\t") && !line.isBlank() && !line.startsWith("#")) {
                inDicom = line.trim().equals("frontend dicom");
            } else if (inDicom && line.trim().startsWith("bind ")) {
                return line.trim();
            }
        }
        throw new AssertionError("no bind line in the dicom frontend:\n" + config);
    }
}
