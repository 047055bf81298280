/** SPEC.md §2 rows 1–9 (client and server latency, availability, success and crash/error rates), through the whole chain. */
import { describeRows } from './scenario.js';

const IDS = ['app_launch_time', 'page_load_time', 'api_response_time', 'cloud_function_duration', 'db_query_time', 'service_availability', 'api_success_rate', 'crash_rate', 'error_rate'];

describeRows(IDS);
