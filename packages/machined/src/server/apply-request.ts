// ApplyConfigurationRequest on the wire ↔ the daemon's ApplyRequest. The health-gated try is carried
// in metadata `bronze-until-healthy: true` so the proto stays Talos's.
import type { Metadata } from '@grpc/grpc-js';
import { ApiError, machineApi } from '@bronze/machinery';
import type { ApplyMode, ApplyRequest } from './node-api.ts';

export const UntilHealthyMetadataKey = 'bronze-until-healthy';

const Modes = machineApi.ApplyConfigurationRequest_Mode;
const ByNumber = new Map<machineApi.ApplyConfigurationRequest_Mode, ApplyMode>([
  [Modes.REBOOT, 'reboot'],
  [Modes.AUTO, 'auto'],
  [Modes.NO_REBOOT, 'no-reboot'],
  [Modes.STAGED, 'staged'],
  [Modes.TRY, 'try'],
]);

export function modeNumber(mode: ApplyMode): machineApi.ApplyConfigurationRequest_Mode {
  for (const [n, m] of ByNumber) if (m === mode) return n;
  return Modes.AUTO;
}

export function applyRequest(req: machineApi.ApplyConfigurationRequest, metadata: Metadata): ApplyRequest {
  const mode = ByNumber.get(req.mode);
  if (mode === undefined) {
    throw new ApiError(
      'invalid-argument',
      `unknown apply mode ${String(req.mode)}: use auto, no-reboot, staged or try`,
    );
  }
  const untilHealthy = metadata.get(UntilHealthyMetadataKey).some((v) => String(v) === 'true');
  if (untilHealthy && mode !== 'try') {
    throw new ApiError('invalid-argument', `${UntilHealthyMetadataKey} only applies to mode try, not ${mode}`);
  }
  const out: ApplyRequest = { text: new TextDecoder().decode(req.data), mode, dryRun: req.dryRun, untilHealthy };
  const timeout = req.tryModeTimeout;
  if (timeout !== undefined) {
    const ms = Number(timeout.seconds) * 1000 + Math.floor(timeout.nanos / 1e6);
    if (ms <= 0) throw new ApiError('invalid-argument', `try_mode_timeout must be positive, got ${String(ms)}ms`);
    out.tryTimeoutMs = ms;
  }
  return out;
}
