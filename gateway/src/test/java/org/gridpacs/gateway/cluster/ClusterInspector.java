package org.gridpacs.gateway.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.net.pdu.RoleSelection;
import org.gridpacs.dicom.testutil.DataSetDiff;
import org.gridpacs.gateway.node.IndexStorageCheck;

/**
 * What the nodes of a cluster hold, seen from outside: the Part 10 files in each node's data folder (by SOP
 * Instance UID, with their CRC-32C), what each node's index lists (C-FIND at IMAGE level, directly to the node),
 * and what comes back through the load balancer (C-GET, compared element by element with what was sent). A
 * stopped node's index against its storage: {@link IndexStorageCheck}.
 */
final class ClusterInspector {
    static final String CALLING = "INSPECTOR";

    /** A study as sent: its UIDs and, per SOP Instance UID, the file it was sent from. */
    record StudyRef(String studyUID, String seriesUID, Map<String, Path> files) {
    }

    /** A file in a node's data folder: what it holds and its checksum. */
    record Copy(String sopInstanceUID, Path file, long size, String crc32c) {
    }

    private record CacheKey(Path file, long size, long modified) {
    }

    private final Map<CacheKey, Copy> cache = new ConcurrentHashMap<>();

    /**
     * Every Part 10 file below the node's data folder but its index folder and hidden (unfinished) files, by SOP
     * Instance UID: wherever a replication design puts its copies, they are found. Checksums are cached by file,
     * size and time, so polling is cheap.
     */
    Map<String, List<Copy>> copies(Path dataDir) throws IOException {
        Map<String, List<Copy>> byUid = new LinkedHashMap<>();
        if (!Files.isDirectory(dataDir)) {
            return byUid;
        }
        Path index = dataDir.resolve("index");
        List<Path> files;
        try (Stream<Path> s = Files.walk(dataDir)) {
            files = s.filter(p -> !p.startsWith(index) && !p.getFileName().toString().startsWith("."))
                    .filter(Files::isRegularFile).toList();
        } catch (java.io.UncheckedIOException e) {
            // a file vanished under the walk (a temporary one renamed): try again
            return copies(dataDir);
        }
        for (Path f : files) {
            Copy c;
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                CacheKey key = new CacheKey(f, a.size(), a.lastModifiedTime().toMillis());
                c = cache.get(key);
                if (c == null) {
                    c = read(f);
                    if (c == null) {
                        continue;
                    }
                    cache.put(key, c);
                }
            } catch (java.nio.file.NoSuchFileException e) {
                continue;
            }
            byUid.computeIfAbsent(c.sopInstanceUID(), k -> new ArrayList<>()).add(c);
        }
        return byUid;
    }

    /**
     * The file's SOP Instance UID (from its meta information) and CRC-32C; null when it is no Part 10 file, or
     * not a whole one yet (a copy being written under its final name is read again once its size or time changes).
     */
    static Copy read(Path f) throws IOException {
        try {
            return readPart10(f);
        } catch (java.nio.file.NoSuchFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Copy readPart10(Path f) throws IOException {
        byte[] head = new byte[132];
        try (InputStream in = Files.newInputStream(f)) {
            if (in.readNBytes(head, 0, 132) < 132 || head[128] != 'D' || head[129] != 'I' || head[130] != 'C'
                    || head[131] != 'M') {
                return null;
            }
        }
        String uid;
        try (DicomInputStream in = new DicomInputStream(Files.newInputStream(f))) {
            DataSet meta = in.readFileMetaInformation();
            uid = meta.getString(Tag.MediaStorageSOPInstanceUID);
        }
        return uid == null ? null : new Copy(uid, f, Files.size(f), IndexStorageCheck.crc32c(f));
    }

    /** C-FIND at IMAGE level for each study, on one association to {@code port}: the SOP Instance UIDs listed. */
    static Set<String> find(int port, Collection<StudyRef> studies) throws IOException, InterruptedException {
        Set<String> found = new HashSet<>();
        AAssociateRQ rq = new AAssociateRQ(CALLING, ClusterProcesses.AET);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelFind,
                UID.ExplicitVRLittleEndian));
        try (Association as = new Connector(Probe.SHORT.withTimeouts(2000, 10_000, 60_000, 30_000))
                .connect(ClusterProcesses.HOST, port, rq, null)) {
            for (StudyRef s : studies) {
                DataSet keys = new DataSet();
                keys.setString(Tag.QueryRetrieveLevel, VR.CS, "IMAGE");
                keys.setString(Tag.StudyInstanceUID, VR.UI, s.studyUID());
                keys.setString(Tag.SeriesInstanceUID, VR.UI, s.seriesUID());
                keys.setString(Tag.SOPInstanceUID, VR.UI, "");
                DimseResponse last = as.find(UID.StudyRootQueryRetrieveInformationModelFind, keys,
                        match -> found.add(match.getString(Tag.SOPInstanceUID)));
                if (last.status() != Status.SUCCESS) {
                    throw new IOException("C-FIND of study " + s.studyUID() + ": " + last.describe());
                }
            }
            as.release();
        }
        return found;
    }

    /** What a C-GET round gave back. */
    record Retrieved(Set<String> received, List<String> problems) {
    }

    /**
     * C-GET of each study through {@code port}, one association; every instance that arrives must equal, element
     * by element, the data set sent under its UID (from the study's files).
     */
    static Retrieved getAndCompare(int port, Collection<StudyRef> studies) throws IOException, InterruptedException {
        Map<String, Path> sentFiles = new LinkedHashMap<>();
        studies.forEach(s -> sentFiles.putAll(s.files()));
        Set<String> received = ConcurrentHashMap.newKeySet();
        List<String> problems = new CopyOnWriteArrayList<>();
        Services services = new Services().store((request, data) -> {
            Path sent = sentFiles.get(request.sopInstanceUID());
            if (sent == null) {
                problems.add("C-GET sent an instance nobody sent: " + request.sopInstanceUID());
                throw new DimseException(Status.PROCESSING_FAILURE, "unknown instance");
            }
            DicomInputStream in = new DicomInputStream(data);
            in.setTransferSyntax(TransferSyntax.of(request.transferSyntaxUID()));
            DataSet got = in.readDataSet();
            DataSet expected;
            try (DicomInputStream file = new DicomInputStream(Files.newInputStream(sent))) {
                file.readFileMetaInformation();
                expected = file.readDataSet();
            }
            if (!expected.equals(got)) {
                problems.add(request.sopInstanceUID() + " differs from what was sent: "
                        + DataSetDiff.diff(expected, got).stream().limit(3).toList());
            }
            if (!received.add(request.sopInstanceUID())) {
                problems.add(request.sopInstanceUID() + " came twice");
            }
            return Status.SUCCESS;
        });
        AAssociateRQ rq = new AAssociateRQ(CALLING, ClusterProcesses.AET);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelGet,
                UID.ExplicitVRLittleEndian));
        rq.addPresentationContext(new PresentationContext.RQ(3, UID.CTImageStorage, UID.ExplicitVRLittleEndian));
        rq.userInformation().addRoleSelection(new RoleSelection(UID.CTImageStorage, false, true));
        try (Association as = new Connector(NetworkSettings.DEFAULT).connect(ClusterProcesses.HOST, port, rq, services)) {
            for (StudyRef s : studies) {
                DataSet keys = new DataSet();
                keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
                keys.setString(Tag.StudyInstanceUID, VR.UI, s.studyUID());
                DimseResponse last = as.get(UID.StudyRootQueryRetrieveInformationModelGet, keys, rsp -> { });
                if (last.status() != Status.SUCCESS || last.failed() != 0) {
                    problems.add("C-GET of study " + s.studyUID() + ": " + last.describe());
                }
            }
            as.release();
        }
        return new Retrieved(received, problems);
    }
}
