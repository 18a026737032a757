package org.gridpacs.gateway.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;

/**
 * An archive node started in this JVM for end-to-end tests: configured from properties as
 * {@code conf/node.properties} would configure it, listening on a free loopback port, with its data folder in a
 * test's temporary folder. Helpers drive it as a DICOM peer would (our toolkit's {@link Association}) and look
 * at what it keeps: its storage folder, and its H2 index (read over JDBC once the node is stopped).
 */
final class RunningNode implements AutoCloseable {
    static final String AET = "PACS";
    static final String HOST = "127.0.0.1";

    private final Path dataDir;
    private final Properties properties;
    private ArchiveNode node;

    private RunningNode(Path dataDir, Properties properties) {
        this.dataDir = dataDir;
        this.properties = properties;
    }

    /**
     * Starts a node with data in {@code dataDir}; {@code settings} are "key=value" lines of node.properties that
     * come on top of the test defaults (AE title PACS, loopback, any free port, no fsync: durability is not what
     * these tests are about, and it costs seconds per hundred files on some disks).
     */
    static RunningNode start(Path dataDir, String... settings) throws IOException {
        Properties p = new Properties();
        p.setProperty("dicom.aeTitle", AET);
        p.setProperty("dicom.bindAddress", HOST);
        p.setProperty("dicom.port", "0");
        p.setProperty("http.port", "0");
        p.setProperty("dicom.artimTimeout", "10");
        p.setProperty("storage.fsync", "false");
        for (String s : settings) {
            int eq = s.indexOf('=');
            p.setProperty(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
        }
        RunningNode n = new RunningNode(dataDir, p);
        n.node = ArchiveNode.start(NodeConfig.from(p, dataDir));
        return n;
    }

    int port() {
        return node.dicomPort();
    }

    Path dataDir() {
        return dataDir;
    }

    /** The folder of the file: storage (storage.uri = file:storage, the default). */
    Path storageRoot() {
        return dataDir.resolve("storage");
    }

    /** The node itself, for what it offers other modules (store listeners, its store and retrieve services). */
    ArchiveNode archiveNode() {
        return node;
    }

    boolean isRunning() {
        return node != null;
    }

    /** Stops the node (closes its server and its index); idempotent. */
    void stop() {
        if (node != null) {
            node.close();
            node = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    // ---------------------------------------------------------------- as a peer

    /** An association from {@code callingAET} to the node proposing {@code contexts} (ids are assigned here). */
    Association connect(String callingAET, List<String[]> contexts) throws IOException {
        AAssociateRQ rq = new AAssociateRQ(callingAET, AET);
        int id = 1;
        for (String[] pc : contexts) {
            String[] ts = new String[pc.length - 1];
            System.arraycopy(pc, 1, ts, 0, ts.length);
            rq.addPresentationContext(new PresentationContext.RQ(id, pc[0], ts));
            id += 2;
        }
        return new Connector(NetworkSettings.DEFAULT).connect(HOST, port(), rq, null);
    }

    /** An association for storing {@code sopClassUID} objects in Explicit VR Little Endian. */
    Association connectForStore(String callingAET, String sopClassUID) throws IOException {
        return connect(callingAET, List.<String[]>of(new String[] {sopClassUID, UID.ExplicitVRLittleEndian}));
    }

    /** An association for C-FIND (Patient Root and Study Root) and C-MOVE (Study Root). */
    Association connectForQuery(String callingAET) throws IOException {
        return connect(callingAET, List.of(
                new String[] {UID.PatientRootQueryRetrieveInformationModelFind, UID.ExplicitVRLittleEndian},
                new String[] {UID.StudyRootQueryRetrieveInformationModelFind, UID.ExplicitVRLittleEndian},
                new String[] {UID.StudyRootQueryRetrieveInformationModelMove, UID.ExplicitVRLittleEndian}));
    }

    /** The data set encoded in Explicit VR Little Endian, as it goes in P-DATA. */
    static byte[] encode(DataSet ds) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DicomOutputStream dos = new DicomOutputStream(bos);
        dos.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        dos.writeDataSet(ds);
        dos.finish();
        return bos.toByteArray();
    }

    /** C-STORE of {@code body} (bytes in Explicit VR Little Endian, sent as they are) under the given UIDs. */
    static DimseResponse store(Association as, String sopClassUID, String sopInstanceUID, byte[] body)
            throws IOException, InterruptedException {
        return as.store(sopClassUID, sopInstanceUID, UID.ExplicitVRLittleEndian, out -> out.write(body), null, 0);
    }

    /** C-STORE of a data set, its UIDs taken from it. */
    static DimseResponse store(Association as, DataSet ds) throws IOException, InterruptedException {
        return store(as, ds.getString(Tag.SOPClassUID), ds.getString(Tag.SOPInstanceUID), encode(ds));
    }

    /**
     * A C-FIND at {@code level} with {@code keys} (tag, value; "" asks for the attribute): the matches, after
     * checking the final status is success. The Study Root model, but for the PATIENT level (Patient Root).
     */
    List<DataSet> find(String level, Map<Integer, String> keys) throws IOException, InterruptedException {
        return findAs("FINDSCU", level, keys);
    }

    /** {@link #find(String, Map)} from the calling AE title {@code callingAET}. */
    List<DataSet> findAs(String callingAET, String level, Map<Integer, String> keys)
            throws IOException, InterruptedException {
        DataSet identifier = new DataSet();
        identifier.setString(Tag.QueryRetrieveLevel, VR.CS, level);
        for (Map.Entry<Integer, String> k : keys.entrySet()) {
            identifier.setString(k.getKey(), org.gridpacs.dicom.data.ElementDictionary.vrOf(k.getKey()), k.getValue());
        }
        List<DataSet> matches = new ArrayList<>();
        try (Association as = connectForQuery(callingAET)) {
            DimseResponse rsp = as.find(level.equals("PATIENT") ? UID.PatientRootQueryRetrieveInformationModelFind
                    : UID.StudyRootQueryRetrieveInformationModelFind, identifier, matches::add);
            if (rsp.status() != Status.SUCCESS) {
                throw new IOException("C-FIND at " + level + " ended with " + rsp.describe());
            }
            as.release();
        }
        return matches;
    }

    /** {@link #find} with keys given as tag, value pairs. */
    List<DataSet> find(String level, Object... tagValue) throws IOException, InterruptedException {
        return findAs("FINDSCU", level, tagValue);
    }

    /** {@link #findAs(String, String, Map)} with keys given as tag, value pairs. */
    List<DataSet> findAs(String callingAET, String level, Object... tagValue) throws IOException, InterruptedException {
        Map<Integer, String> keys = new LinkedHashMap<>();
        for (int i = 0; i < tagValue.length; i += 2) {
            keys.put((Integer) tagValue[i], (String) tagValue[i + 1]);
        }
        return findAs(callingAET, level, keys);
    }

    /** The data set as our reader gives it back after encoding it (odd-length values padded, as stored). */
    static DataSet roundTrip(DataSet ds) throws IOException {
        org.gridpacs.dicom.io.DicomInputStream in = new org.gridpacs.dicom.io.DicomInputStream(
                new java.io.ByteArrayInputStream(encode(ds)));
        in.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        return in.readDataSet();
    }

    // ---------------------------------------------------------------- what the node keeps

    /** Every regular file below the storage folder, hidden ones (unfinished writes) included. */
    List<Path> storageFiles() throws IOException {
        if (!Files.isDirectory(storageRoot())) {
            return List.of();
        }
        return org.gridpacs.dicom.testutil.FileTrees.files(storageRoot());
    }

    /** A JDBC connection to the node's H2 index; the node must be stopped (an H2 file has one owner). */
    Connection openIndex() throws SQLException {
        if (node != null) {
            throw new IllegalStateException("stop the node before opening its index");
        }
        return DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("index").resolve("index")
                + ";IFEXISTS=TRUE", "sa", "");
    }

    /** Rows of each index table (patient, study, series, instance, location); the node must be stopped. */
    Map<String, Long> indexRowCounts() throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = openIndex(); Statement s = c.createStatement()) {
            for (String table : List.of("patient", "study", "series", "instance", "location")) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        return counts;
    }

    /** What the index says of one stored instance: its transfer syntax and where its file is. */
    record IndexedFile(String sopInstanceUID, String transferSyntaxUID, String storageId, String storageKey, long size) {
    }

    /** Every instance in the index with its location(s); the node must be stopped. */
    List<IndexedFile> indexedFiles() throws SQLException {
        List<IndexedFile> files = new ArrayList<>();
        try (Connection c = openIndex(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT i.sop_uid, i.transfer_syntax, l.storage_id, l.storage_key, l.object_size"
                     + " FROM instance i JOIN location l ON l.instance_fk = i.pk ORDER BY i.pk, l.pk")) {
            while (rs.next()) {
                files.add(new IndexedFile(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
            }
        }
        return files;
    }
}
