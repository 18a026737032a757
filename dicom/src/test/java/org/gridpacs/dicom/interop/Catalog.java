package org.gridpacs.dicom.interop;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.interop.Interop.Instance;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.DimseRequest;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.Handlers;
import org.gridpacs.dicom.net.dimse.Status;

/**
 * A tiny archive for our SCP in tests: instances kept as Part 10 files in a folder, with C-FIND matching
 * (single values and * ? wildcards), and C-MOVE / C-GET handlers that send them with the toolkit's SCU.
 */
final class Catalog {
    /** Where a C-MOVE destination AE title listens. */
    record Destination(String host, int port) {
    }

    private final Path dir;
    private final String aet;
    private final Map<String, Instance> byUid = new LinkedHashMap<>();
    private final Map<String, Destination> destinations = new LinkedHashMap<>();

    Catalog(Path dir, String aet) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.aet = aet;
    }

    /** Adds an instance, written as a Part 10 file in its transfer syntax. */
    Catalog add(Instance i) throws IOException {
        Path file = dir.resolve(i.sopInstanceUID() + ".dcm");
        try (OutputStream out = Files.newOutputStream(file)) {
            DicomOutputStream dos = new DicomOutputStream(out);
            dos.writeFileMetaInformation(FileMetaInformation.create(i.sopClassUID(), i.sopInstanceUID(),
                    i.transferSyntaxUID(), null));
            dos.writeDataSet(i.dataSet());
            dos.finish();
        }
        byUid.put(i.sopInstanceUID(), Instance.read(file));
        return this;
    }

    Catalog destination(String aet, String host, int port) {
        destinations.put(aet, new Destination(host, port));
        return this;
    }

    // ---------------------------------------------------------------- matching

    private static final Map<String, Integer> LEVEL_KEY = Map.of("PATIENT", Tag.PatientID, "STUDY", Tag.StudyInstanceUID,
            "SERIES", Tag.SeriesInstanceUID, "IMAGE", Tag.SOPInstanceUID);

    /** The instances whose attributes match every non-empty key of the identifier. */
    List<Instance> select(DataSet keys) {
        List<Instance> out = new ArrayList<>();
        for (Instance i : byUid.values()) {
            if (matches(keys, i.dataSet())) {
                out.add(i);
            }
        }
        return out;
    }

    private static boolean matches(DataSet keys, DataSet ds) {
        for (int k = 0; k < keys.size(); k++) {
            int tag = keys.tagAt(k);
            if (tag == Tag.QueryRetrieveLevel || tag == Tag.SpecificCharacterSet || keys.vrAt(k) == VR.SQ) {
                continue;
            }
            String want = keys.getString(tag);
            if (want == null || want.isEmpty() || want.equals("*")) {
                continue; // universal matching
            }
            String have = ds.getString(tag);
            if (have == null) {
                return false;
            }
            String[] alternatives = keys.vrAt(k) == VR.UI ? keys.getStrings(tag) : new String[] {want};
            boolean any = false;
            for (String alt : alternatives) {
                if (wildcard(alt).matcher(have.strip()).matches()) {
                    any = true;
                }
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    private static Pattern wildcard(String s) {
        StringBuilder re = new StringBuilder();
        for (char c : s.strip().toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString());
    }

    /** The C-FIND response for an instance: the requested keys with its values, at the query level. */
    static DataSet response(DataSet keys, DataSet ds) {
        DataSet rsp = new DataSet();
        for (int k = 0; k < keys.size(); k++) {
            int tag = keys.tagAt(k);
            int j = ds.indexOf(tag);
            if (tag == Tag.QueryRetrieveLevel) {
                rsp.setValue(tag, keys.vrAt(k), keys.valueAt(k));
            } else if (j >= 0) {
                rsp.setValue(tag, ds.vrAt(j), ds.valueAt(j));
            } else {
                rsp.setNull(tag, keys.vrAt(k));
            }
        }
        if (ds.containsValue(Tag.SpecificCharacterSet)) {
            rsp.setValue(Tag.SpecificCharacterSet, VR.CS, ds.getValue(Tag.SpecificCharacterSet));
        }
        return rsp;
    }

    // ---------------------------------------------------------------- handlers

    Handlers.Find find() {
        return (rq, keys, responder) -> {
            String level = keys.getString(Tag.QueryRetrieveLevel, "").strip();
            Integer unique = LEVEL_KEY.get(level);
            if (unique == null) {
                throw new DimseException(Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, "bad level " + level);
            }
            List<String> seen = new ArrayList<>();
            for (Instance i : select(keys)) {
                String id = i.dataSet().getString(unique);
                if (seen.contains(id)) {
                    continue;
                }
                seen.add(id);
                if (!responder.pending(response(keys, i.dataSet()))) {
                    return;
                }
            }
        };
    }

    /** C-MOVE: C-STOREs the matches to the destination's SCP over a new association. */
    Handlers.Retrieve move() {
        return (rq, keys, responder) -> {
            Destination d = destinations.get(rq.command().getString(Tag.MoveDestination).strip());
            if (d == null) {
                throw new DimseException(Status.MOVE_DESTINATION_UNKNOWN, "unknown destination "
                        + rq.command().getString(Tag.MoveDestination));
            }
            List<Instance> matches = select(keys);
            try (Association as = new Connector(Interop.SETTINGS).connect(d.host(), d.port(),
                    Interop.storeRQ(aet, rq.command().getString(Tag.MoveDestination).strip(), matches), null)) {
                send(rq, as, matches, responder, rq.callingAETitle(), rq.messageID());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        };
    }

    /** C-GET: C-STOREs the matches on the requesting association, in a syntax it accepted. */
    Handlers.Retrieve get() {
        return (rq, keys, responder) -> {
            try {
                send(rq, rq.association(), select(keys), responder, null, 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        };
    }

    private void send(DimseRequest rq, Association as, List<Instance> matches, Handlers.RetrieveResponder responder,
                      String originator, int originatorId) throws IOException, InterruptedException {
        int completed = 0;
        int failed = 0;
        int warning = 0;
        List<String> failedUids = new ArrayList<>();
        for (int n = 0; n < matches.size(); n++) {
            if (responder.isCancelled()) {
                break;
            }
            Instance i = matches.get(n);
            String ts = syntaxFor(as, i);
            DimseResponse rsp = null;
            if (ts != null) {
                rsp = as.store(i.sopClassUID(), i.sopInstanceUID(), ts, out -> i.writeTo(out, ts), originator,
                        originatorId);
            }
            if (rsp != null && Status.isSuccess(rsp.status())) {
                completed++;
            } else if (rsp != null && Status.isWarning(rsp.status())) {
                warning++;
            } else {
                failed++;
                failedUids.add(i.sopInstanceUID());
            }
            responder.pending(matches.size() - n - 1, completed, failed, warning);
        }
        responder.complete(completed, failed, warning, failedUids);
    }

    /** The stored syntax if the peer accepted it for the SOP class, else a native one it accepted (re-encoded). */
    private static String syntaxFor(Association as, Instance i) {
        List<String> accepted = as.acceptedTransferSyntaxes(i.sopClassUID());
        if (accepted.contains(i.transferSyntaxUID())) {
            return i.transferSyntaxUID();
        }
        if (TransferSyntax.of(i.transferSyntaxUID()).isNative()) {
            for (String ts : accepted) {
                if (TransferSyntax.of(ts).isNative()) {
                    return ts;
                }
            }
        }
        return null;
    }
}
