package org.gridpacs.dicom.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.ElementDictionary;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.DicomStreamException;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.Handlers;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.net.pdu.RoleSelection;
import org.gridpacs.dicom.net.pdu.UserInformation;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.testutil.DataSetDiff;
import org.gridpacs.dicom.testutil.Instances;
import org.gridpacs.dicom.testutil.TestData;

/** What the interoperability tests share: test instances, association proposals, a folder store and comparisons. */
final class Interop {
    /** Short timeouts so that a peer that stops answering fails the test instead of hanging it. */
    static final NetworkSettings SETTINGS = NetworkSettings.DEFAULT.withTimeouts(5_000, 10_000, 30_000, 15_000);

    static final List<String> UNCOMPRESSED = List.of(UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian,
            UID.ExplicitVRBigEndian);

    private Interop() {
    }

    /** A DICOM file read whole: its meta information, data set, and the UIDs a C-STORE needs. */
    record Instance(Path path, DataSet fmi, DataSet dataSet) {
        static Instance read(Path file) throws IOException {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                DicomInputStream dis = new DicomInputStream(in);
                DataSet fmi = dis.readFileMetaInformation();
                if (fmi == null) {
                    throw new DicomStreamException(file + " has no meta information");
                }
                DataSet ds = dis.readDataSet();
                return new Instance(file, fmi, ds);
            }
        }

        static Instance pydicom(String name) throws IOException {
            return read(TestData.pydicomFile(name));
        }

        /** From the data set (some files' meta information disagrees with it; the C-STORE must not). */
        String sopClassUID() {
            return dataSet.getString(Tag.SOPClassUID, fmi.getString(Tag.MediaStorageSOPClassUID));
        }

        String sopInstanceUID() {
            return dataSet.getString(Tag.SOPInstanceUID, fmi.getString(Tag.MediaStorageSOPInstanceUID));
        }

        String transferSyntaxUID() {
            return fmi.getString(Tag.TransferSyntaxUID);
        }

        String name() {
            return path.getFileName().toString();
        }

        /**
         * Another instance of the same series: this data set with a new SOP Instance UID and Instance Number,
         * to be sent in {@code tsuid} (a native syntax).
         */
        Instance derive(String sopInstanceUID, int instanceNumber, String tsuid) {
            DataSet ds = dataSet.copy();
            ds.setString(Tag.SOPInstanceUID, org.gridpacs.dicom.data.VR.UI, sopInstanceUID);
            ds.setString(Tag.InstanceNumber, org.gridpacs.dicom.data.VR.IS, String.valueOf(instanceNumber));
            DataSet meta = fmi.copy();
            meta.setString(Tag.MediaStorageSOPInstanceUID, org.gridpacs.dicom.data.VR.UI, sopInstanceUID);
            meta.setString(Tag.TransferSyntaxUID, org.gridpacs.dicom.data.VR.UI, tsuid);
            // as it goes on the wire: values padded to even length
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try {
                DicomOutputStream dos = new DicomOutputStream(b);
                dos.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
                dos.writeDataSet(ds);
                dos.finish();
                DicomInputStream dis = new DicomInputStream(new java.io.ByteArrayInputStream(b.toByteArray()));
                dis.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
                ds = dis.readDataSet();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new Instance(Path.of(path + "#" + instanceNumber), meta, ds);
        }

        /** Writes the data set in {@code tsuid} (the file's own, or another native one). */
        void writeTo(OutputStream out, String tsuid) throws IOException {
            DicomOutputStream dos = new DicomOutputStream(out);
            dos.setTransferSyntax(TransferSyntax.of(tsuid));
            dos.writeDataSet(dataSet);
            dos.finish();
        }

        /** C-STORE of this instance in its own transfer syntax. */
        DimseResponse storeOn(Association as) throws IOException, InterruptedException {
            return as.store(sopClassUID(), sopInstanceUID(), transferSyntaxUID(),
                    out -> writeTo(out, transferSyntaxUID()), null, 0);
        }
    }

    static List<Instance> read(String... pydicomNames) throws IOException {
        List<Instance> list = new ArrayList<>();
        for (String n : pydicomNames) {
            list.add(Instance.pydicom(n));
        }
        return list;
    }

    /** A proposal with Verification and one presentation context per (SOP class, transfer syntax) of the instances. */
    static AAssociateRQ storeRQ(String calling, String called, Collection<Instance> instances) {
        AAssociateRQ rq = new AAssociateRQ(calling, called);
        int id = 1;
        rq.addPresentationContext(new PresentationContext.RQ(id, UID.Verification, UID.ImplicitVRLittleEndian));
        Set<String> proposed = new LinkedHashSet<>();
        for (Instance i : instances) {
            if (proposed.add(i.sopClassUID() + "|" + i.transferSyntaxUID())) {
                id += 2;
                rq.addPresentationContext(new PresentationContext.RQ(id, i.sopClassUID(), i.transferSyntaxUID()));
            }
        }
        return rq;
    }

    /** Adds presentation contexts for query/retrieve SOP classes (implicit and explicit VR little endian). */
    static int addContexts(AAssociateRQ rq, int firstId, String... abstractSyntaxes) {
        int id = firstId;
        for (String as : abstractSyntaxes) {
            rq.addPresentationContext(new PresentationContext.RQ(id, as, UID.ExplicitVRLittleEndian,
                    UID.ImplicitVRLittleEndian));
            id += 2;
        }
        return id;
    }

    /**
     * Adds, for a C-GET, presentation contexts for the storage SOP classes the instances will arrive in:
     * one for each (SOP class, transfer syntax of an instance) and one for each SOP class with
     * {@code uncompressed}, with the SCP role proposed for us on each SOP class (PS3.7 D.3.3.4: the C-GET
     * SCU is the storage SCP of its sub-operations). Returns the next free presentation context ID.
     */
    static int addGetStorageContexts(AAssociateRQ rq, int firstId, Collection<Instance> instances,
                                     List<String> uncompressed) {
        UserInformation ui = rq.userInformation() != null ? rq.userInformation() : new UserInformation();
        int id = firstId;
        Set<String> classes = new LinkedHashSet<>();
        Set<String> pairs = new LinkedHashSet<>();
        for (Instance i : instances) {
            classes.add(i.sopClassUID());
            if (!uncompressed.contains(i.transferSyntaxUID()) && pairs.add(i.sopClassUID() + "|" + i.transferSyntaxUID())) {
                rq.addPresentationContext(new PresentationContext.RQ(id, i.sopClassUID(), i.transferSyntaxUID()));
                id += 2;
            }
        }
        for (String cuid : classes) {
            rq.addPresentationContext(new PresentationContext.RQ(id, cuid, uncompressed));
            ui.addRoleSelection(new RoleSelection(cuid, false, true));
            id += 2;
        }
        rq.setUserInformation(ui);
        return id;
    }

    /** The outcome of a C-FIND, C-MOVE or C-GET: its final response and what came before it. */
    record Outcome(DimseResponse last, List<DataSet> matches, List<DimseResponse> pending) {
        List<String> values(int tag) {
            return matches.stream().map(m -> m.getString(tag)).sorted().toList();
        }
    }

    static Outcome find(Association as, String cuid, DataSet keys) throws IOException, InterruptedException {
        List<DataSet> matches = new java.util.concurrent.CopyOnWriteArrayList<>();
        DimseResponse last = as.find(cuid, keys, matches::add);
        return new Outcome(last, matches, List.of());
    }

    static Outcome move(Association as, String cuid, String destination, DataSet keys)
            throws IOException, InterruptedException {
        List<DimseResponse> pending = new java.util.concurrent.CopyOnWriteArrayList<>();
        DimseResponse last = as.move(cuid, destination, keys, pending::add);
        return new Outcome(last, List.of(), pending);
    }

    static Outcome get(Association as, String cuid, DataSet keys) throws IOException, InterruptedException {
        List<DimseResponse> pending = new java.util.concurrent.CopyOnWriteArrayList<>();
        DimseResponse last = as.get(cuid, keys, pending::add);
        return new Outcome(last, List.of(), pending);
    }

    /** Query keys: pairs of tag and value; a null value asks for the attribute to be returned. */
    static DataSet keys(String level, Object... tagValuePairs) {
        DataSet ds = new DataSet();
        ds.setString(Tag.QueryRetrieveLevel, org.gridpacs.dicom.data.VR.CS, level);
        for (int k = 0; k < tagValuePairs.length; k += 2) {
            int tag = (Integer) tagValuePairs[k];
            org.gridpacs.dicom.data.VR vr = ElementDictionary.vrOf(tag);
            Object v = tagValuePairs[k + 1];
            if (v == null) {
                ds.setNull(tag, vr);
            } else {
                ds.setString(tag, vr, (String) v);
            }
        }
        return ds;
    }

    /** The bytes of a Part 10 header (preamble, "DICM", group 0002) for an instance in {@code tsuid}. */
    static byte[] fileHeader(String sopClassUID, String sopInstanceUID, String tsuid, String sourceAET)
            throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DicomOutputStream dos = new DicomOutputStream(b);
        dos.writeFileMetaInformation(FileMetaInformation.create(sopClassUID, sopInstanceUID, tsuid, sourceAET));
        dos.flush(); // for deflate: nothing has been compressed yet, the header alone is in b
        return b.toByteArray();
    }

    /**
     * A C-STORE handler that writes each instance, exactly as received, as a Part 10 file named by its SOP
     * Instance UID in {@code dir}, and remembers the transfer syntax it came in.
     */
    static Handlers.Store folderStore(Path dir) {
        return (rq, data) -> {
            Path file = dir.resolve(rq.sopInstanceUID() + ".dcm");
            Path tmp = dir.resolve(rq.sopInstanceUID() + ".part");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(fileHeader(rq.sopClassUID(), rq.sopInstanceUID(), rq.transferSyntaxUID(),
                        rq.callingAETitle()));
                data.transferTo(out);
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return Status.SUCCESS;
        };
    }

    /**
     * The Part 10 files in a folder (recursively), by SOP Instance UID. Other files (logs, indexes) are left
     * out; so is a file we fail to read, which then shows as missing, with the reason, in {@link #assertReceived}.
     */
    static Map<String, Instance> readFolder(Path dir) throws IOException {
        Map<String, Instance> byUid = new TreeMap<>();
        Map<Path, String> unread = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            try {
                Instance i = Instance.read(f);
                if (i.sopInstanceUID() != null) {
                    byUid.put(i.sopInstanceUID(), i);
                }
            } catch (IOException e) {
                unread.put(f, e.toString());
            }
        }
        UNREAD.set(unread);
        return byUid;
    }

    /** What the last {@link #readFolder} on this thread could not read, for failure messages. */
    private static final ThreadLocal<Map<Path, String>> UNREAD = ThreadLocal.withInitial(Map::of);

    /** Asserts that every instance arrived with the same data set; when {@code sameSyntax}, also in the same transfer syntax. */
    static void assertReceived(Collection<Instance> sent, Map<String, Instance> received, boolean sameSyntax) {
        for (Instance s : sent) {
            Instance r = received.get(s.sopInstanceUID());
            if (r == null) {
                fail(s.name() + " (" + s.sopInstanceUID() + ") was not received; received: " + received.keySet()
                        + "; files not read: " + UNREAD.get());
            }
            if (sameSyntax) {
                assertEquals(s.transferSyntaxUID(), r.transferSyntaxUID(), s.name() + ": transfer syntax");
            }
            assertEquals(s.sopClassUID(), r.sopClassUID(), s.name() + ": SOP class in the meta information");
            DataSetDiff.assertSameDataSet(Instances.withoutTrailingPadding(s.dataSet()), Instances.withoutTrailingPadding(r.dataSet()), s.name());
        }
    }

}
