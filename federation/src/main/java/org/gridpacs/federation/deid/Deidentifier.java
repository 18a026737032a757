package org.gridpacs.federation.deid;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;

/**
 * PS3.15 Annex E Basic Application Level Confidentiality Profile, with the Retain Longitudinal Temporal
 * Information with Full Dates and Clean Descriptors options as settings: applies Table E.1-1
 * ({@link ConfidentialityProfile}) to every attribute, in sequence items too; removes private attributes,
 * curves (50xx) and overlay planes whose data the profile removes (60xx); replaces UIDs consistently through a
 * {@link Pseudonymizer}; records the de-identification (PS3.3 C.12.1.1.7: Patient Identity Removed, the
 * De-identification Method and its code sequence, Longitudinal Temporal Information Modified). Pixel data is
 * never changed: an instance flagged Burned In Annotation YES is refused unless the options allow it.
 *
 * <p>One instance per call; thread-safe when its {@link Pseudonymizer} is (it is). Use one Deidentifier (one
 * Pseudonymizer) for all instances of an export, so that references between them stay valid.
 */
public final class Deidentifier {
    private static final int OVERLAY_DATA = 0x60003000;

    private final ConfidentialityProfile profile = ConfidentialityProfile.tableE11();
    private final DeidentificationOptions options;
    private final Pseudonymizer pseudonyms;

    public Deidentifier(DeidentificationOptions options, Pseudonymizer pseudonyms) {
        this.options = java.util.Objects.requireNonNull(options, "options");
        this.pseudonyms = java.util.Objects.requireNonNull(pseudonyms, "pseudonyms");
    }

    /**
     * The de-identifier for one export (or forwarding rule) from this site to {@code destinationSite}: its UIDs
     * and patient pseudonyms agree with every other export to that site made with the same secret.
     */
    public static Deidentifier forExport(byte[] siteSecret, String destinationSite, DeidentificationOptions options) {
        return new Deidentifier(options, Pseudonymizer.forDestination(siteSecret, destinationSite));
    }

    public Pseudonymizer pseudonymizer() {
        return pseudonyms;
    }

    public DeidentificationOptions options() {
        return options;
    }

    /** Reads a Part 10 file (or a bare data set), writes the de-identified Part 10 file in the same transfer syntax. */
    public DeidentifiedInstance deidentify(Path in, Path out) throws IOException, DeidentificationRefusedException {
        Path tmp = out.resolveSibling(out.getFileName() + ".part");
        try (InputStream is = new BufferedInputStream(Files.newInputStream(in));
             OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp))) {
            DeidentifiedInstance result = deidentify(is, os);
            os.flush();
            os.close();
            Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return result;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Stream form of {@link #deidentify(Path, Path)}; leaves both streams open. */
    public DeidentifiedInstance deidentify(InputStream in, OutputStream out)
            throws IOException, DeidentificationRefusedException {
        DicomInputStream dis = new DicomInputStream(in);
        DataSet fmi = dis.readFileMetaInformation();
        String ts = dis.transferSyntax().uid();
        DataSet ds = dis.readDataSet();
        DeidentifiedInstance result = deidentify(fmi, ds, ts);
        DicomOutputStream dos = new DicomOutputStream(out);
        dos.writeFileMetaInformation(result.fileMeta());
        dos.writeDataSet(ds);
        dos.finish();
        return result;
    }

    /**
     * De-identifies {@code dataSet} in place and returns the File Meta Information to write with it.
     *
     * @param fileMeta the original meta information, or null (a bare data set)
     * @param transferSyntaxUID the transfer syntax the data set will be written in
     */
    public DeidentifiedInstance deidentify(DataSet fileMeta, DataSet dataSet, String transferSyntaxUID)
            throws DeidentificationRefusedException {
        String sopClass = dataSet.getString(Tag.SOPClassUID);
        String sop = dataSet.getString(Tag.SOPInstanceUID);
        if (sop == null || sop.isEmpty() || sopClass == null || sopClass.isEmpty()) {
            throw new IllegalArgumentException("not a composite instance: SOP Class UID or SOP Instance UID missing");
        }
        if ("YES".equalsIgnoreCase(dataSet.getString(Tag.BurnedInAnnotation)) && !options.allowBurnedInAnnotation()) {
            throw new DeidentificationRefusedException(sop, "instance " + sop + " has Burned In Annotation (0028,0301)"
                    + " YES: identifying text may be in its pixels, which de-identification does not change;"
                    + " refused (set allowBurnedInAnnotation to send it anyway)");
        }
        String study = dataSet.getString(Tag.StudyInstanceUID);
        String originalPatientId = dataSet.getString(Tag.PatientID, "");
        String originalIssuer = dataSet.getString(Tag.IssuerOfPatientID, "");
        DescriptorCleaner cleaner = new DescriptorCleaner();
        if (options.cleanDescriptors()) {
            collectIdentifiers(dataSet, cleaner);
        }
        process(dataSet, cleaner, false);
        addDeidentificationRecord(dataSet, originalIssuer, originalPatientId);

        String newSop = dataSet.getString(Tag.SOPInstanceUID);
        String ts = transferSyntaxUID;
        if (ts == null && fileMeta != null) {
            ts = fileMeta.getString(Tag.TransferSyntaxUID);
        }
        if (ts == null || ts.isEmpty()) {
            throw new IllegalArgumentException("transfer syntax unknown");
        }
        DataSet meta = FileMetaInformation.create(sopClass, newSop, ts, null);
        return new DeidentifiedInstance(meta, study, dataSet.getString(Tag.StudyInstanceUID), sop, newSop);
    }

    /** The original values of what will be removed or replaced, for the descriptor cleaner. */
    private void collectIdentifiers(DataSet ds, DescriptorCleaner cleaner) {
        for (int k = 0; k < ds.size(); k++) {
            int tag = ds.tagAt(k);
            Object value = ds.valueAt(k);
            if (value instanceof Sequence seq) {
                for (DataSet item : seq) {
                    collectIdentifiers(item, cleaner);
                }
                continue;
            }
            VR vr = ds.vrAt(k);
            if ((tag >>> 16 & 1) == 1 || !vr.isString() || vr == VR.UI) {
                continue;
            }
            ConfidentialityProfile.Rule rule = profile.rule(tag);
            if (rule == null) {
                continue;
            }
            ProfileAction a = rule.action(options).resolved();
            if (a == ProfileAction.X || a == ProfileAction.Z || a == ProfileAction.D) {
                cleaner.addIdentifier(ds.getString(tag), vr == VR.PN);
            }
        }
    }

    /**
     * Applies the table to one data set (an item, below the top level). {@code inDummySequence}: inside a
     * sequence whose action is D (Content Sequence, Verifying Observer Sequence, ...), where the attributes the
     * table does not list are free content: free text, person names and (unless dates are retained) dates and
     * times become dummies, codes and numbers stay, UIDs are replaced as everywhere.
     */
    private void process(DataSet ds, DescriptorCleaner cleaner, boolean inDummySequence) {
        List<Integer> remove = new ArrayList<>();
        List<Integer> overlayGroups = new ArrayList<>();
        for (int k = 0; k < ds.size(); k++) {
            int tag = ds.tagAt(k);
            VR vr = ds.vrAt(k);
            Object value = ds.valueAt(k);
            if ((tag >>> 16 & 1) == 1) {
                remove.add(tag); // private attributes and their creators: the basic profile keeps none
                continue;
            }
            ConfidentialityProfile.Rule rule = profile.rule(tag);
            if (rule == null) {
                if (inDummySequence && value instanceof byte[] b && b.length > 0 && isFreeContent(vr)) {
                    ds.setBytes(tag, vr, DummyValues.of(vr));
                }
                processItems(value, cleaner, inDummySequence);
                continue;
            }
            if ((tag & 0xFF00FFFF) == OVERLAY_DATA) {
                // an overlay plane without its data is not a valid plane: the whole group goes
                overlayGroups.add(tag >>> 16);
            }
            switch (rule.action(options).resolved()) {
                case X -> remove.add(tag);
                case Z -> {
                    if (value instanceof Sequence) {
                        ds.newSequence(tag);
                    } else {
                        ds.setNull(tag, vr);
                    }
                }
                case D -> {
                    if (value instanceof Sequence) {
                        processItems(value, cleaner, true);
                    } else if (vr == VR.UI) {
                        replaceUids(ds, tag, vr, value);
                    } else {
                        ds.setBytes(tag, vr, DummyValues.of(vr)); // an empty value too: D is non-zero length
                    }
                }
                case C -> {
                    if (value instanceof Sequence) {
                        processItems(value, cleaner, inDummySequence);
                    } else if (vr.isString() && value instanceof byte[]) {
                        ds.setString(tag, vr, cleaner.clean(ds.getString(tag)));
                    }
                }
                case U -> {
                    if (value instanceof Sequence) {
                        processItems(value, cleaner, inDummySequence);
                    } else {
                        replaceUids(ds, tag, vr, value);
                    }
                }
                default -> processItems(value, cleaner, inDummySequence); // K
            }
        }
        for (int tag : remove) {
            ds.remove(tag);
        }
        if (!overlayGroups.isEmpty()) {
            List<Integer> plane = new ArrayList<>();
            for (int k = 0; k < ds.size(); k++) {
                if (overlayGroups.contains(ds.tagAt(k) >>> 16)) {
                    plane.add(ds.tagAt(k));
                }
            }
            plane.forEach(ds::remove);
        }
    }

    private void processItems(Object value, DescriptorCleaner cleaner, boolean inDummySequence) {
        if (value instanceof Sequence seq) {
            for (DataSet item : seq) {
                process(item, cleaner, inDummySequence);
            }
        }
    }

    private boolean isFreeContent(VR vr) {
        return switch (vr) {
            case PN, LT, ST, UT, UC -> true;
            case DA, DT, TM -> !options.retainLongitudinalFullDates();
            default -> false;
        };
    }

    private void replaceUids(DataSet ds, int tag, VR vr, Object value) {
        if (!(value instanceof byte[] b) || b.length == 0) {
            return;
        }
        // UN (an unknown VR in an implicit file) has no string form in DataSet: decode the UID list directly
        String[] values = new String(b, StandardCharsets.US_ASCII).split("\\\\", -1);
        for (int i = 0; i < values.length; i++) {
            values[i] = pseudonyms.uid(values[i]);
        }
        ds.setString(tag, vr, values);
    }

    private void addDeidentificationRecord(DataSet ds, String issuer, String patientId) {
        String pid = options.patientId() != null ? options.patientId() : pseudonyms.patientId(issuer, patientId);
        ds.setString(Tag.PatientName, VR.PN, options.patientName() != null ? options.patientName() : pid);
        ds.setString(Tag.PatientID, VR.LO, pid);
        ds.setString(Tag.PatientIdentityRemoved, VR.CS, "YES");
        List<String> method = new ArrayList<>();
        method.add("PS3.15 E Basic Application Confidentiality Profile");
        Sequence codes = ds.newSequence(Tag.DeidentificationMethodCodeSequence);
        addCode(codes, "113100", "Basic Application Confidentiality Profile");
        if (options.retainLongitudinalFullDates()) {
            method.add("Retain Longitudinal Temporal Information Full Dates");
            addCode(codes, "113106", "Retain Longitudinal Temporal Information Full Dates Option");
        }
        if (options.cleanDescriptors()) {
            method.add("Clean Descriptors");
            addCode(codes, "113105", "Clean Descriptors Option");
        }
        method.add("GridPACS " + org.gridpacs.dicom.Implementation.VERSION_NAME);
        ds.setString(Tag.DeidentificationMethod, VR.LO, method.toArray(String[]::new));
        ds.setString(Tag.LongitudinalTemporalInformationModified, VR.CS,
                options.retainLongitudinalFullDates() ? "UNMODIFIED" : "REMOVED");
    }

    private static void addCode(Sequence codes, String value, String meaning) {
        DataSet item = codes.addItem();
        item.setString(Tag.CodeValue, VR.SH, value);
        item.setString(Tag.CodingSchemeDesignator, VR.SH, "DCM");
        item.setString(Tag.CodeMeaning, VR.LO, meaning);
    }
}
