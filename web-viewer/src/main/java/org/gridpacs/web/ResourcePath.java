package org.gridpacs.web;

import java.util.List;

/**
 * A DICOMweb resource path below the service root ({@code /dicom-web}), PS3.18 8.2 and 10.4-10.6:
 * <pre>
 * /studies[/{study}[/series[/{series}[/instances[/{instance}[/frames/{list}]]]]]]   (and /series, /instances)
 *     ... /metadata | /rendered | /thumbnail | /frames/{list}[/rendered|/thumbnail] | /bulkdata/{path}
 * </pre>
 * The UIDs are those of the path; null where the path does not name one.
 *
 * @param frames   the frame list of a frames resource ("1,3,5"), else null
 * @param bulkData what follows {@code /bulkdata/} (the attribute path a BulkDataURI names), else null
 */
public record ResourcePath(Kind kind, String study, String series, String instance, String frames, String bulkData) {

    public enum Kind {
        /** QIDO-RS searches: /studies, /series, /instances, each possibly below the UIDs of the levels above */
        SEARCH_STUDIES, SEARCH_SERIES, SEARCH_INSTANCES,
        /** WADO-RS: the instances of a study, series or instance (and STOW-RS, POST to /studies[/{study}]) */
        INSTANCES,
        METADATA, RENDERED, THUMBNAIL, FRAMES, FRAMES_RENDERED, FRAMES_THUMBNAIL, BULKDATA
    }

    /** The level the path names for retrieve kinds: "study", "series" or "instance". */
    public String level() {
        return instance != null ? "instance" : series != null ? "series" : "study";
    }

    /**
     * Parses {@code path}, relative to the service root, with or without a leading slash.
     *
     * @throws HttpProblem 404 for a path that is not a DICOMweb resource
     */
    public static ResourcePath parse(String path) throws HttpProblem {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        List<String> s = p.isEmpty() ? List.of() : List.of(p.split("/", -1));
        if (s.stream().anyMatch(String::isEmpty)) {
            throw unknown(path);
        }
        int n = s.size();
        if (n == 1 && s.get(0).equals("series")) {
            return new ResourcePath(Kind.SEARCH_SERIES, null, null, null, null, null);
        }
        if (n == 1 && s.get(0).equals("instances")) {
            return new ResourcePath(Kind.SEARCH_INSTANCES, null, null, null, null, null);
        }
        if (n == 0 || !s.get(0).equals("studies")) {
            throw unknown(path);
        }
        if (n == 1) {
            return new ResourcePath(Kind.SEARCH_STUDIES, null, null, null, null, null);
        }
        String study = s.get(1);
        if (n == 2) {
            return new ResourcePath(Kind.INSTANCES, study, null, null, null, null);
        }
        String third = s.get(2);
        if (n == 3) {
            return switch (third) {
                case "series" -> new ResourcePath(Kind.SEARCH_SERIES, study, null, null, null, null);
                case "instances" -> new ResourcePath(Kind.SEARCH_INSTANCES, study, null, null, null, null);
                default -> leaf(third, study, null, null, path);
            };
        }
        if (!third.equals("series")) {
            throw unknown(path);
        }
        String series = s.get(3);
        if (n == 4) {
            return new ResourcePath(Kind.INSTANCES, study, series, null, null, null);
        }
        String fifth = s.get(4);
        if (n == 5) {
            return fifth.equals("instances") ? new ResourcePath(Kind.SEARCH_INSTANCES, study, series, null, null, null)
                    : leaf(fifth, study, series, null, path);
        }
        if (!fifth.equals("instances")) {
            throw unknown(path);
        }
        String instance = s.get(5);
        if (n == 6) {
            return new ResourcePath(Kind.INSTANCES, study, series, instance, null, null);
        }
        String seventh = s.get(6);
        if (n == 7) {
            return leaf(seventh, study, series, instance, path);
        }
        if (seventh.equals("bulkdata")) {
            return new ResourcePath(Kind.BULKDATA, study, series, instance, null,
                    String.join("/", s.subList(7, n)));
        }
        if (seventh.equals("frames")) {
            String frames = s.get(7);
            if (n == 8) {
                return new ResourcePath(Kind.FRAMES, study, series, instance, frames, null);
            }
            if (n == 9 && s.get(8).equals("rendered")) {
                return new ResourcePath(Kind.FRAMES_RENDERED, study, series, instance, frames, null);
            }
            if (n == 9 && s.get(8).equals("thumbnail")) {
                return new ResourcePath(Kind.FRAMES_THUMBNAIL, study, series, instance, frames, null);
            }
        }
        throw unknown(path);
    }

    private static ResourcePath leaf(String name, String study, String series, String instance, String path)
            throws HttpProblem {
        return switch (name) {
            case "metadata" -> new ResourcePath(Kind.METADATA, study, series, instance, null, null);
            case "rendered" -> new ResourcePath(Kind.RENDERED, study, series, instance, null, null);
            case "thumbnail" -> new ResourcePath(Kind.THUMBNAIL, study, series, instance, null, null);
            default -> throw unknown(path);
        };
    }

    private static HttpProblem unknown(String path) {
        return HttpProblem.notFound("no DICOMweb resource at " + path);
    }
}
