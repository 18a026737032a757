package org.gridpacs.dicom.testutil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs DCMTK command-line tools (Debian package dcmtk) as independent peers in tests. */
public final class Dcmtk {
    private Dcmtk() {
    }

    /** Result of one tool run. */
    public record Result(int exitCode, String output) {
    }

    /** Runs a tool, its output (stdout and stderr) going to a temporary file so that the timeout holds. */
    public static Result run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("dcmtk-", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("TCP_NODELAY", "1");
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new IOException("timed out after " + timeoutSeconds + " s: " + String.join(" ", command)
                        + "\n" + new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1));
            }
            return new Result(p.exitValue(), new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Fails with a clear message when DCMTK is not installed (scripts/test installs it). */
    public static void require() {
        if (!Files.isExecutable(Path.of("/usr/bin/dcmdump"))) {
            throw new IllegalStateException("DCMTK is not installed: run ./scripts/test, which installs it (apt-get install dcmtk)");
        }
    }

    /**
     * dcmdump's listing of a file's data set, normalised for comparing content: the meta header, group
     * lengths, length comments and the sequence/item length style (defined or undefined) are left out,
     * since an encoder is free to choose them.
     */
    public static List<String> normalizedDump(Path file) throws IOException, InterruptedException {
        Result r = run(60, "dcmdump", "-q", "+L", "-dc", file.toString());
        if (r.exitCode != 0) {
            throw new IOException("dcmdump failed on " + file + ": " + r.output);
        }
        List<String> lines = new ArrayList<>();
        for (String line : r.output.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("(0002,")
                    || t.matches("\\([0-9a-f]{4},0000\\).*") || t.startsWith("(fffe,e00d)")
                    || t.startsWith("(fffe,e0dd)")) {
                continue;
            }
            int hash = t.lastIndexOf(" # ");
            String s = hash > 0 ? t.substring(0, hash).strip() : t;
            s = s.replace("explicit length", "").replace("undefined length", "");
            lines.add(s);
        }
        return lines;
    }

    /** A query identifier as a Part 10 file, for findscu, movescu and getscu. */
    public static Path queryFile(Path file, org.gridpacs.dicom.data.DataSet identifier) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (java.io.OutputStream os = Files.newOutputStream(file);
             org.gridpacs.dicom.io.DicomOutputStream dos = new org.gridpacs.dicom.io.DicomOutputStream(os)) {
            dos.writeFileMetaInformation(org.gridpacs.dicom.io.FileMetaInformation.create(
                    org.gridpacs.dicom.data.UID.StudyRootQueryRetrieveInformationModelFind,
                    org.gridpacs.dicom.Implementation.newUID(), org.gridpacs.dicom.data.UID.ExplicitVRLittleEndian, null));
            dos.writeDataSet(identifier);
        }
        return file;
    }
}
