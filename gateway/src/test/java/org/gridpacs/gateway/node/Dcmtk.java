package org.gridpacs.gateway.node;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;

/** Runs DCMTK's SCUs against a {@link RunningNode} (TCP_NODELAY=1 set by the toolkit's test helper). */
final class Dcmtk {
    /** storescu's option proposing a transfer syntax first (or only), by transfer syntax UID. */
    private static final Map<String, String> PROPOSE = Map.ofEntries(
            Map.entry(UID.ImplicitVRLittleEndian, "-xi"),
            Map.entry(UID.ExplicitVRLittleEndian, "-xe"),
            Map.entry(UID.ExplicitVRBigEndian, "-xb"),
            Map.entry("1.2.840.10008.1.2.1.99", "-xd"),
            Map.entry("1.2.840.10008.1.2.4.50", "-xy"),
            Map.entry("1.2.840.10008.1.2.4.51", "-xx"),
            Map.entry("1.2.840.10008.1.2.4.70", "-xs"),
            Map.entry("1.2.840.10008.1.2.4.80", "-xt"),
            Map.entry("1.2.840.10008.1.2.4.81", "-xu"),
            Map.entry("1.2.840.10008.1.2.4.90", "-xv"),
            Map.entry("1.2.840.10008.1.2.4.91", "-xw"),
            Map.entry("1.2.840.10008.1.2.5", "-xr"));

    private Dcmtk() {
    }

    /** storescu's option to propose {@code ts} first, null when storescu has none for it. */
    static String storescuOption(String ts) {
        return PROPOSE.get(ts);
    }

    /**
     * getscu's option to prefer {@code ts} (the storescu one with '+'), null when it has none. Not for Implicit VR
     * Little Endian: getscu 3.6.7's +xi ("accept implicit VR little endian TS only") proposes Explicit VR Little
     * Endian alone for the storage SOP classes, so no getscu run can receive an object as stored Implicit VR.
     */
    static String getscuOption(String ts) {
        if (UID.ImplicitVRLittleEndian.equals(ts)) {
            return null;
        }
        String o = PROPOSE.get(ts);
        return o == null ? null : "+" + o.substring(1);
    }

    static org.gridpacs.dicom.testutil.Dcmtk.Result run(long timeoutSeconds, List<String> command)
            throws IOException, InterruptedException {
        return org.gridpacs.dicom.testutil.Dcmtk.run(timeoutSeconds, command.toArray(new String[0]));
    }

    static org.gridpacs.dicom.testutil.Dcmtk.Result run(long timeoutSeconds, String... command)
            throws IOException, InterruptedException {
        return org.gridpacs.dicom.testutil.Dcmtk.run(timeoutSeconds, command);
    }

    /** storescu -v of one file or folder (+sd), the extra options before the peer. */
    static org.gridpacs.dicom.testutil.Dcmtk.Result storescu(RunningNode node, String callingAET, Path file,
                                                             String... options) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("storescu", "-v", "-aet", callingAET, "-aec", RunningNode.AET));
        cmd.addAll(Arrays.asList(options));
        cmd.addAll(List.of(RunningNode.HOST, String.valueOf(node.port()), file.toString()));
        return run(120, cmd);
    }

    /**
     * Writes an identifier (a query file for findscu, movescu, getscu) as a Part 10 file: DCMTK takes its
     * elements as the keys, lists of UIDs included (no shell or -k quoting of backslashes needed).
     */
    static Path queryFile(Path file, DataSet identifier) throws IOException {
        return org.gridpacs.dicom.testutil.Dcmtk.queryFile(file, identifier);
    }

    /** The last "Received Final ... Response (...)" or "Received Store Response (...)" text in a tool's output. */
    static String lastResponse(String output, String what) {
        String marker = "Received " + what + " Response (";
        int i = output.lastIndexOf(marker);
        if (i < 0) {
            return null;
        }
        int end = output.indexOf(')', i);
        return output.substring(i + marker.length(), end < 0 ? output.length() : end);
    }

    /** The E: and W: lines of a tool's output, joined: the reason it gives for refusing something. */
    static String complaints(String output) {
        List<String> lines = new ArrayList<>();
        for (String l : output.split("\n")) {
            if (l.startsWith("E: ") || l.startsWith("W: ") || l.startsWith("F: ")) {
                lines.add(l.strip());
            }
        }
        return lines.isEmpty() ? "(no message)" : String.join(" | ", lines);
    }
}
