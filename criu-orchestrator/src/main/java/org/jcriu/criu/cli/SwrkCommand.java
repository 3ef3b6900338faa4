package org.jcriu.criu.cli;

import java.util.concurrent.Callable;
import org.jcriu.criu.service.RpcService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code criu swrk FD}: serve CRIU RPC requests on an inherited SOCK_SEQPACKET socket. */
@Command(name = "swrk", description = "serve RPC requests (criu_req/criu_resp) on the inherited socket FD")
final class SwrkCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FD", description = "inherited SOCK_SEQPACKET socket")
    int fd;

    @Override
    public Integer call() throws Exception {
        return new RpcService(fd).serve();
    }
}
