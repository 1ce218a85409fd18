// @peculiar/x509 reads decorator metadata when it loads, so reflect-metadata must be evaluated first.
// Every file of machinery that needs the library imports it from here.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

export { x509 };
