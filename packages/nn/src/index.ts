/**
 * tapegrad nn: Module and Parameter, layers, losses, initialisers, optimisers, LR schedules, a
 * Trainer, and safetensors checkpoints.
 *
 * @example
 * import { mlp, SGD, Trainer, softmaxCrossEntropy } from '@tapegrad/nn';
 * new Trainer(mlp([2, 10, 3]), new SGD(params, { lr: 1 }), { loss: softmaxCrossEntropy }).fit(x, t);
 *
 * @packageDocumentation
 */
export const VERSION = '0.1.0';
export { Parameter, isParameter } from './parameter';
export { Module } from './module';
export { type BufferEntry, type BufferOptions } from './module-state';
export { type ForwardHook, type ForwardPreHook, type HookOptions } from './forward-hooks';
export { ModelSummary, type SummaryOptions, type SummaryRow } from './summary';
export { StateDictError, CheckpointError, MissingPackageError, type CheckpointProblem } from './errors';
export { StateDict, type StateDictInput, entriesOf, toEntries } from './state-dict';
export * as init from './init';
export type { Initializer, InitOptions } from './init';
export { Linear, type LinearOptions } from './layers/linear';
export { MatMul } from './layers/matmul';
export { LeakyReLU, ReLU, Sigmoid, Softmax, Tanh } from './layers/activations';
export { Dropout, Dropout2d, dropout } from './layers/dropout';
export { Conv1d, Conv2d, ConvTranspose2d, type ConvLayerOptions } from './layers/conv';
export { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from './layers/pooling';
export { Flatten } from './layers/flatten';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './layers/batch-norm';
export { type AttentionOptions, scaledDotProductAttention } from './layers/attention';
export {
  MultiheadAttention,
  type MultiheadAttentionCall,
  type MultiheadAttentionOptions,
} from './layers/multihead-attention';
export {
  type DecoderLayerCall,
  type EncoderLayerCall,
  TransformerDecoderLayer,
  TransformerEncoderLayer,
  type TransformerLayerOptions,
} from './layers/transformer';
export { Embedding, type EmbeddingOptions } from './layers/embedding';
export { LayerNorm, type LayerNormOptions, layerNorm } from './layers/layer-norm';
export { ModuleDict } from './layers/module-dict';
export { ModuleList } from './layers/module-list';
export { GRUCell, LSTMCell, RNNCell } from './layers/rnn-cells';
export { GRU, LSTM, RNN } from './layers/recurrent';
export { type RecurrentLayerOptions } from './layers/recurrent-base';
export { type RecurrentOptions } from './layers/recurrent-params';
export { type Layer, Sequential } from './layers/sequential';
export { type MlpOptions, mlp } from './layers/mlp';
export { softmaxCrossEntropy } from './losses/softmax-cross-entropy';
export { type Reduction, mseLoss } from './losses/mse';
export { bceWithLogits, binaryCrossEntropy } from './losses/bce';
export { BCELoss, BCEWithLogitsLoss, MSELoss, SoftmaxCrossEntropyLoss } from './losses/modules';
export {
  type BaseOptions,
  Optimizer,
  type OptimizerLike,
  type OptimizerStateDict,
  type OptimizerStateDictInput,
  type ParamGroup,
  type ParamGroupInput,
  type ParamGroupStateDict,
  type ParamState,
  type ParamStateDict,
  type ParamsInput,
  type TensorsInput,
} from './optim/optimizer';
export { type OptionChecker, type OptionSpec, optionChecks } from './optim/option-checks';
export { SGD, type SGDOptions } from './optim/sgd';
export { AdaGrad, type AdaGradOptions } from './optim/adagrad';
export { RMSProp, type RMSPropOptions } from './optim/rmsprop';
export { Adam, AdamW, type AdamOptions } from './optim/adam';
export { type PenaltyOptions, applyPenalty, clipGradNorm, penalty } from './optim/regularization';
export {
  ExponentialLR,
  LRScheduler,
  LambdaLR,
  type LrLambda,
  MultiStepLR,
  type SchedulableOptimizer,
  StepLR,
} from './optim/lr-scheduler';
export {
  CosineAnnealingLR,
  OneCycleLR,
  type OneCycleLROptions,
  WarmupLR,
  type WarmupLROptions,
} from './optim/lr-annealing';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './optim/reduce-lr-on-plateau';
export { type SchedulerLike, type SchedulerStateDict } from './optim/scheduler-state';
export { accuracy } from './trainer/metrics';
export { History, TrainRecord, type TrainRecordOf, type TrainRecordProps } from './trainer/history';
export { BarReporter, LineReporter, type OutputStream, type ProgressReporter } from './trainer/progress';
export { type Callback, type CallbackContext, EarlyStopping, type EarlyStoppingOptions } from './trainer/callbacks';
export {
  type BatchSource,
  type FitOptions,
  type LossFn,
  type Metric,
  type Model,
  type SplitMode,
  Trainer,
  type TrainerOptions,
} from './trainer/trainer';
export type { PlotFiles, PlotOptions } from './trainer/plot';
export { type EncodeOptions, type Safetensors, decodeSafetensors, encodeSafetensors } from './checkpoint/safetensors';
export { type LoadOptions, type SaveOptions, load, loadBytes, save, saveBytes } from './checkpoint/checkpoint';
export { loadBlob, saveBlob } from './checkpoint/blob';
