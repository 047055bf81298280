/**
 * Server (cloud functions, API gateway, database): where time goes and what fails — API response
 * time by route, cloud function duration and error rate by function, query time by collection —
 * and the failing invocations and requests grouped by fingerprint.
 */
import { Breakdown } from '../components/Breakdown';
import { ErrorGroups, type ErrorGroup } from '../components/ErrorGroups';

type ServerError = ErrorGroup & { where: string; errorType?: string; code?: string | number };

export default function Server() {
  return (
    <div>
      <div className="grid2">
        <Breakdown metric="api_response_time" by="route" title="apiByRoute" />
        <Breakdown metric="cloud_function_duration" by="fn" title="fnDurationByFn" />
        <Breakdown metric="cloud_function_error_rate" by="fn" title="fnErrorsByFn" />
        <Breakdown metric="db_query_time" by="collection" title="dbByCollection" />
      </div>
      <ErrorGroups<ServerError>
        source="server"
        title="serverErrors"
        summary={(g) => <><code>{g.where}</code> {g.errorType ? `${g.errorType}: ` : ''}{g.message}{g.code !== undefined && <span className="sub"> ({g.code})</span>}</>}
      />
    </div>
  );
}
