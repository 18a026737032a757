package org.gridpacs.dicom.data;

import java.time.LocalTime;

/**
 * A TM range matching key (PS3.4 C.2.2.2.5); a null end is open. Both ends are inclusive; a range whose
 * start is after its end contains nothing (it is not taken to span midnight).
 *
 * @see DateTimes#parseTimeRange(String)
 */
public record TimeRange(LocalTime start, LocalTime end) {

    public boolean contains(LocalTime time) {
        return (start == null || !time.isBefore(start)) && (end == null || !time.isAfter(end));
    }
}
