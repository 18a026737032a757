package org.gridpacs.gateway.node;

import java.io.IOException;
import org.gridpacs.dicom.testutil.DataSetDiff;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;

/** Reading Part 10 files back and comparing them element by element, for the end-to-end tests. */
final class Instances {
    private Instances() {
    }

    /** A file read whole: meta information (null if it has none), data set, transfer syntax. */
    record Instance(Path file, DataSet fmi, DataSet dataSet, String transferSyntaxUID) {
        String sopInstanceUID() {
            String s = dataSet.getString(Tag.SOPInstanceUID);
            return s != null || fmi == null ? s : fmi.getString(Tag.MediaStorageSOPInstanceUID);
        }

        String sopClassUID() {
            String s = dataSet.getString(Tag.SOPClassUID);
            return s != null || fmi == null ? s : fmi.getString(Tag.MediaStorageSOPClassUID);
        }
    }

    static Instance read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file); DicomInputStream in = new DicomInputStream(raw)) {
            DataSet fmi = in.readFileMetaInformation();
            DataSet ds = in.readDataSet();
            return new Instance(file, fmi, ds, in.transferSyntax().uid());
        }
    }

    /** Every regular file below {@code dir} by the SOP Instance UID its data set names. */
    static Map<String, Path> bySopInstanceUID(Path dir) throws IOException {
        Map<String, Path> map = new HashMap<>();
        if (!Files.isDirectory(dir)) {
            return map;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (!p.getFileName().toString().startsWith(".")) {
                    Path before = map.put(read(p).sopInstanceUID(), p);
                    if (before != null) {
                        throw new AssertionError("two files in " + dir + " hold the same instance: " + before + ", " + p);
                    }
                }
            }
        }
        return map;
    }

    /**
     * Normalises away what a DCMTK peer (storescu reading the file it sends, storescp, getscu and Orthanc writing
     * what they received) legitimately changes when it decodes and re-encodes a data set; nothing else:
     * <ul>
     * <li>Data Set Trailing Padding (FFFC,FFFC) is dropped by DCMTK on every write;</li>
     * <li>encapsulated Pixel Data is written as OB even when the file had OW (PS3.5 A.4 says OB; both
     * mean the same fragments);</li>
     * <li>trailing spaces (and NULs) of a string value beyond the one padding byte are dropped, in sequence
     * items too: DCMTK keeps string values without their padding and pads to even length again on writing
     * ("OTHER  " of length 26 comes back as "OTHER" of length 24). Trailing spaces are padding, not value, for
     * every string VR (PS3.5 6.2).</li>
     * </ul>
     * Group lengths, which DCMTK may add or drop, are never in our data sets: our reader drops them.
     */
    static DataSet normalizeLikeDcmtk(DataSet ds) {
        ds.remove(Tag.DataSetTrailingPadding);
        if (ds.getValue(Tag.PixelData) instanceof Fragments f) {
            ds.setValue(Tag.PixelData, VR.OB, f);
        }
        trimStringPadding(ds);
        return ds;
    }

    private static void trimStringPadding(DataSet ds) {
        for (int i = 0; i < ds.size(); i++) {
            Object v = ds.valueAt(i);
            if (v instanceof Sequence seq) {
                seq.forEach(Instances::trimStringPadding);
            } else if (v instanceof byte[] b && ds.vrAt(i).isString()) {
                int n = b.length;
                while (n > 0 && (b[n - 1] == ' ' || b[n - 1] == 0)) {
                    n--;
                }
                if (n != b.length) {
                    ds.setValue(ds.tagAt(i), ds.vrAt(i), java.util.Arrays.copyOf(b, n));
                }
            }
        }
    }

    /**
     * Fails unless {@code received} is a Part 10 file naming the same instance as {@code sent}, in the same transfer
     * syntax (when {@code sameSyntax}), with a data set equal element by element after {@link #normalizeLikeDcmtk}.
     */
    static void assertSame(Path sent, Path received, boolean sameSyntax) throws IOException {
        Instance a = read(sent);
        Instance b = read(received);
        if (b.fmi() == null) {
            throw new AssertionError(received + " has no File Meta Information");
        }
        check(b.transferSyntaxUID().equals(b.fmi().getString(Tag.TransferSyntaxUID)),
                received + ": meta information names " + b.fmi().getString(Tag.TransferSyntaxUID));
        check(a.sopInstanceUID().equals(b.fmi().getString(Tag.MediaStorageSOPInstanceUID)),
                received + ": Media Storage SOP Instance UID " + b.fmi().getString(Tag.MediaStorageSOPInstanceUID));
        check(a.sopClassUID().equals(b.fmi().getString(Tag.MediaStorageSOPClassUID)),
                received + ": Media Storage SOP Class UID " + b.fmi().getString(Tag.MediaStorageSOPClassUID));
        if (sameSyntax) {
            check(a.transferSyntaxUID().equals(b.transferSyntaxUID()), received + " is in " + b.transferSyntaxUID()
                    + ", " + sent + " was sent in " + a.transferSyntaxUID());
        }
        DataSet x = normalizeLikeDcmtk(a.dataSet());
        DataSet y = normalizeLikeDcmtk(b.dataSet());
        if (!x.equals(y)) {
            throw new AssertionError("data set of " + received + " differs from " + sent + ":\n"
                    + String.join("\n", DataSetDiff.diff(x, y)));
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }


}
