package org.gridpacs.gateway.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.gridpacs.dicom.testutil.Dcmtk;

/**
 * DCMTK's storescu and getscu as the clients of a cluster test: what each run acknowledged or received, read from
 * their verbose output (TCP_NODELAY=1 is set by the toolkit's runner).
 */
final class DcmtkClients {
    /** Timeouts a real client would have: connect 5 s, association negotiation 10 s, DIMSE 60 s. */
    static final String[] TIMEOUTS = {"-to", "5", "-ta", "10", "-td", "60"};

    private DcmtkClients() {
    }

    /**
     * What one storescu run did: the files that got a success status, the files whose response was a failure
     * (with it), and how the run ended.
     */
    record StoreRun(int exitCode, List<Path> acknowledged, Map<Path, String> refused, Path inFlight, String complaint,
                    String output) {
        boolean ok() {
            return exitCode == 0 && refused.isEmpty();
        }
    }

    /** storescu -v of {@code files} over one association to {@code host:port}. */
    static StoreRun storescu(String callingAET, String calledAET, String host, int port, List<Path> files,
                             long timeoutSeconds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("storescu", "-v", "-aet", callingAET, "-aec", calledAET));
        cmd.addAll(List.of(TIMEOUTS));
        cmd.add(host);
        cmd.add(String.valueOf(port));
        files.forEach(f -> cmd.add(f.toString()));
        Dcmtk.Result r;
        try {
            r = Dcmtk.run(timeoutSeconds, cmd.toArray(new String[0]));
        } catch (IOException e) {
            // timed out: nothing known acknowledged (the output went with the exception)
            return new StoreRun(-1, List.of(), Map.of(), null, e.getMessage().lines().findFirst().orElse(""), e.getMessage());
        }
        List<Path> acknowledged = new ArrayList<>();
        Map<Path, String> refused = new LinkedHashMap<>();
        Path current = null;
        for (String line : r.output().split("\n")) {
            if (line.startsWith("I: Sending file: ")) {
                current = Path.of(line.substring("I: Sending file: ".length()).strip());
            } else if (line.startsWith("I: Received Store Response (") && current != null) {
                String status = line.substring("I: Received Store Response (".length(), line.lastIndexOf(')'));
                if (status.equals("Success")) {
                    acknowledged.add(current);
                } else {
                    refused.put(current, status);
                }
                current = null;
            }
        }
        return new StoreRun(r.exitCode(), acknowledged, refused, current, complaints(r.output()), r.output());
    }

    /** What one getscu run did: how it ended and the SOP Instance UIDs of the files it received. */
    record GetRun(int exitCode, List<String> received, String finalStatus, String complaint) {
    }

    /** getscu -v of one study (Study Root) into {@code dir}, which is emptied first and afterwards. */
    static GetRun getscu(String callingAET, String calledAET, String host, int port, String studyUID, Path dir,
                         long timeoutSeconds) throws IOException, InterruptedException {
        clear(dir);
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of("getscu", "-v", "-S", "-aet", callingAET, "-aec", calledAET));
        cmd.addAll(List.of(TIMEOUTS));
        cmd.addAll(List.of("-od", dir.toString(), "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + studyUID,
                host, String.valueOf(port)));
        Dcmtk.Result r;
        try {
            r = Dcmtk.run(timeoutSeconds, cmd.toArray(new String[0]));
        } catch (IOException e) {
            clear(dir);
            return new GetRun(-1, List.of(), null, e.getMessage().lines().findFirst().orElse(""));
        }
        List<String> received = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            // getscu names each file <modality>.<SOP Instance UID>
            s.map(p -> p.getFileName().toString()).filter(n -> n.indexOf('.') > 0)
                    .forEach(n -> received.add(n.substring(n.indexOf('.') + 1)));
        }
        clear(dir);
        String marker = "Received C-GET Response (";
        int i = r.output().lastIndexOf(marker);
        String status = i < 0 ? null : r.output().substring(i + marker.length(), r.output().indexOf(')', i));
        return new GetRun(r.exitCode(), received, status, complaints(r.output()));
    }

    /** The E: and F: lines of a tool's output: why it failed. */
    static String complaints(String output) {
        List<String> lines = new ArrayList<>();
        for (String l : output.split("\n")) {
            if (l.startsWith("E: ") || l.startsWith("F: ")) {
                lines.add(l.strip());
            }
        }
        return lines.isEmpty() ? "" : String.join(" | ", lines);
    }

    private static void clear(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
