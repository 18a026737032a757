package org.gridpacs.gateway.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridpacs.dicom.data.BulkData;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.ElementDictionary;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.UIDs;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pacs find}: C-FIND, each match printed as a block of "Keyword = value" lines. */
@Command(name = "find",
        description = {"Query a peer (C-FIND) and print each match.",
                "Without -r, the usual attributes of the level are asked for (names, IDs, dates, descriptions, counts)."})
final class FindCommand implements Callable<Integer> {

    @Mixin
    ScuOptions scu;

    @Mixin
    QueryOptions query;

    @Option(names = {"-r", "--return"}, paramLabel = "KEY",
            description = "Attribute to return (keyword or tag), repeatable.")
    List<String> returnKeys = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<String> ret = new ArrayList<>(returnKeys.isEmpty() ? defaultReturnKeys(query.level) : returnKeys);
        ret.add(ElementDictionary.keywordOf(query.level.uniqueKey));
        DataSet keys = query.identifier(ret);
        AAssociateRQ rq = scu.newRequest();
        rq.addPresentationContext(new PresentationContext.RQ(1, query.model.find,
                UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian));
        AtomicInteger count = new AtomicInteger();
        DimseResponse last;
        try (Association as = scu.connect(rq, null)) {
            last = as.find(query.model.find, keys, match -> {
                out.println("# Match " + count.incrementAndGet());
                print(match, out, "");
                out.println();
            });
        }
        out.println(count.get() + (count.get() == 1 ? " match" : " matches"));
        if (!Status.isSuccess(last.status())) {
            spec.commandLine().getErr().println("pacs find: C-FIND ended with " + last.describe());
            return 1;
        }
        return 0;
    }

    static List<String> defaultReturnKeys(QueryOptions.Level level) {
        return switch (level) {
            case PATIENT -> List.of("PatientName", "PatientID", "PatientBirthDate", "PatientSex",
                    "NumberOfPatientRelatedStudies");
            case STUDY -> List.of("PatientName", "PatientID", "StudyDate", "StudyTime", "AccessionNumber", "StudyID",
                    "StudyDescription", "ModalitiesInStudy", "NumberOfStudyRelatedSeries",
                    "NumberOfStudyRelatedInstances");
            case SERIES -> List.of("StudyInstanceUID", "Modality", "SeriesNumber", "SeriesDescription", "SeriesDate",
                    "NumberOfSeriesRelatedInstances");
            case IMAGE -> List.of("StudyInstanceUID", "SeriesInstanceUID", "SOPClassUID", "InstanceNumber");
        };
    }

    /** "Keyword = value" per element; sequence items indented below their sequence. */
    static void print(DataSet ds, PrintWriter out, String indent) {
        for (int i = 0; i < ds.size(); i++) {
            int tag = ds.tagAt(i);
            if (tag == Tag.SpecificCharacterSet || tag == Tag.QueryRetrieveLevel && indent.isEmpty()) {
                continue; // not information about the match
            }
            String keyword = ElementDictionary.keywordOf(tag);
            String name = keyword.isEmpty() ? ElementDictionary.toString(tag) : keyword;
            Object v = ds.valueAt(i);
            if (v instanceof Sequence seq) {
                out.println(indent + name + " = (" + seq.size() + (seq.size() == 1 ? " item)" : " items)"));
                for (int k = 0; k < seq.size(); k++) {
                    out.println(indent + "  Item " + (k + 1) + ":");
                    print(seq.get(k), out, indent + "    ");
                }
            } else if (v instanceof Fragments || v instanceof BulkData) {
                out.println(indent + name + " = (binary data)");
            } else {
                String s = v == null ? "" : ds.getString(tag);
                String uidName = ds.vrAt(i) == VR.UI && s != null ? UIDs.nameOf(s) : null;
                out.println(indent + name + " = " + (s != null ? s : "(" + ((byte[]) v).length + " bytes)")
                        + (uidName != null ? " (" + uidName + ")" : ""));
            }
        }
    }
}
