/** Server (cloud functions and database): failing invocations and requests, grouped by fingerprint. */
import { ErrorGroups, type ErrorGroup } from '../components/ErrorGroups';

type ServerError = ErrorGroup & { where: string; errorType?: string; code?: string | number };

export default function Server() {
  return (
    <ErrorGroups<ServerError>
      source="server"
      title="serverErrors"
      summary={(g) => <><code>{g.where}</code> {g.errorType ? `${g.errorType}: ` : ''}{g.message}{g.code !== undefined && <span className="sub"> ({g.code})</span>}</>}
    />
  );
}
