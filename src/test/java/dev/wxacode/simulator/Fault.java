package dev.wxacode.simulator;

import java.time.Duration;

/** A misbehaviour the simulator shows on one upcoming call, queued by tests. */
public sealed interface Fault {

    /** Answer HTTP 200 with this WeChat errcode, as WeChat does. */
    record Errcode(int errcode) implements Fault {
    }

    /** Answer with this HTTP status and an HTML body, as WeChat's front end does when it is down. */
    record HttpStatus(int status) implements Fault {
    }

    /** Hold the call this long before answering normally: longer than a client's timeout is a stall. */
    record Stall(Duration duration) implements Fault {
    }

    static Fault errcode(int errcode) {
        return new Errcode(errcode);
    }

    static Fault http(int status) {
        return new HttpStatus(status);
    }

    static Fault stall(Duration duration) {
        return new Stall(duration);
    }
}
